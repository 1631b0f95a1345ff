"""The WAV files an exclusive licence delivers beside the original, the MP3 320 and the stems
(docs/licensing-terms.md "deliverables"): ``wav`` — the original itself when it is a WAV, else the FLAC decoded to a
WAV of the same bit depth — and ``tagged_wav``, the same audio with a RIFF INFO chunk naming the track, the
producer, the licence and where to verify it, so the file carries its provenance wherever it goes.

Both are made by licensing from the original in the media store the first time a licensee asks for the licence's
files, kept under ``deliverables/<licence id>/`` and deleted when the licence is revoked. The samples are copied
exactly (integers in, integers out); only the container and its tags differ from the upload.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import soundfile

from services.common import offhub
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.licensing.models import License
from services.licensing.views import View, file_ref, verify_url

AREA = "deliverables"
WAV_CONTENT_TYPE = "audio/wav"
BLOCK_FRAMES = 65_536
#: lossless subtypes kept as they are; anything else (a float FLAC does not exist) becomes 24-bit PCM
KEPT_SUBTYPES = {"PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"}


def key_of(license_id: str, name: str) -> str:
    return f"{AREA}/{license_id}/{name}.wav"


def tags(licence: License) -> dict[str, str]:
    """The RIFF INFO strings of the tagged WAV (libsndfile writes them as INAM, IART, ICOP, ICMT, ICRD, ISFT)."""
    return {
        "title": licence.track_title,
        "artist": licence.producer_name,
        "copyright": f"Exclusive licence {licence.id} to the licensee named on its certificate",
        "comment": f"BeatPass exclusive licence {licence.id}; verify at {verify_url(licence.id)}",
        "date": licence.issued_at.date().isoformat(),
        "software": "BeatPass",
    }


def write_wav(source: Path, target: Path, strings: dict[str, str] | None = None) -> None:
    """``source`` (WAV or FLAC) as a WAV at ``target``, sample for sample, with ``strings`` as its INFO tags. Runs
    in an OS thread (services/common/offhub.py): libsndfile and builtin file calls only, no green primitive. The
    file appears whole or not at all (written beside, then renamed)."""
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with soundfile.SoundFile(source) as src:
            subtype = src.subtype if src.subtype in KEPT_SUBTYPES else "PCM_24"
            dtype = "float64" if subtype in ("FLOAT", "DOUBLE") else "int32"
            with soundfile.SoundFile(partial, "w", src.samplerate, src.channels, subtype, format="WAV") as out:
                for name, value in (strings or {}).items():
                    setattr(out, name, value)
                for block in src.blocks(blocksize=BLOCK_FRAMES, dtype=dtype, always_2d=True):
                    out.write(block)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def exclusive_wavs(media: MediaStore, licence: License, original: dict[str, Any]) -> View:
    """``{"wav", "tagged_wav"}`` file refs of an exclusive licence, making the files that are not there yet."""
    title = licence.track_title
    source = media.path(original["key"])
    if original["format"] == "wav":
        wav = file_ref(original["key"], "wav", title, "WAV", original.get("content_type"))
    else:
        wav = file_ref(_ensure(media, source, key_of(licence.id, "audio"), None), "wav", title, "WAV",
                       WAV_CONTENT_TYPE)
    tagged_key = _ensure(media, source, key_of(licence.id, "tagged"), tags(licence))
    return {"wav": wav, "tagged_wav": file_ref(tagged_key, "wav", title, "tagged WAV", WAV_CONTENT_TYPE)}


def _ensure(media: MediaStore, source: Path, key: str, strings: dict[str, str] | None) -> str:
    if not media.exists(key):
        offhub.run(write_wav, source, media.writable_path(key), strings)
    return key


def forget(uow: UnitOfWork, media: MediaStore, licence: License) -> None:
    """Delete a revoked licence's WAVs once the revocation commits (its files are no longer available)."""
    keys = [key_of(licence.id, "audio"), key_of(licence.id, "tagged")]
    uow.after_commit(lambda: media.delete(*keys))
