"""Use case: Audio Recon — where does this clip occur in the stored tracks (``recon``,
services/contracts/rpc/audio.py; docs/recon.md).

The gateway stored the clip in the media store's ``recon`` area and removes it after the call,
whatever happens; audio only reads it. The clip is judged like an upload (``analysis.clip``: WAV,
FLAC or MP3, 10 s to 10 min; a refusal is ``InvalidField`` ``{"audio": [...], "code": <upload's
code>, "rejection_details": {...}}``), fingerprinted with the duplicate check's ``fingerprint``
three times (``locate.SHIFTS``), and located in ``fingerprint_items``/``fingerprints``
(``analysis.locate``). The answer names every stored track it matches, best first — whether catalog
publishes it is the gateway's question to catalog (audio does not know).

The work holds one of audio's heavy slots (``offhub``), as an upload's validation does; the decode
runs in an OS thread, ``fpcalc`` on the hub, the scratch directory is made on the hub."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from services.audio import fingerprints, offhub
from services.audio.analysis import Rejection, fingerprint
from services.audio.analysis.clip import check_clip
from services.audio.analysis.locate import ClipPrint, locate, query_values, vote
from services.common.db import UnitOfWork
from services.common.media import AUDIO, MediaError, MediaStore
from services.contracts.errors import InvalidField, NotFound
from services.contracts.vocabularies import RECON_MAX_MATCHES

log = logging.getLogger(__name__)

AREA = "recon"
#: matches answered: more than the gateway shows, as it drops those catalog does not publish
MAX_ANSWERED = 2 * RECON_MAX_MATCHES


def recon(db: UnitOfWork, clip_key: Any) -> dict[str, Any]:
    path = _clip_path(clip_key)
    with tempfile.TemporaryDirectory(prefix="recon-") as scratch, offhub.heavy_slot():
        try:
            clip = offhub.run(check_clip, path, Path(scratch))
            prints = [ClipPrint(np.asarray(fingerprint(shifted).raw, dtype=np.uint32), shift_s)
                      for shifted, shift_s in clip.shifted]
        except Rejection as rejection:
            log.info("recon clip refused: %s", rejection.code, extra={"clip_key": clip_key})
            raise InvalidField(f"invalid recon clip: {rejection.code}",
                               {"audio": [rejection.message], "code": rejection.code,
                                "rejection_details": rejection.details}) from None
    hits = fingerprints.hits(db, query_values(prints))
    candidates = offhub.run(vote, prints, hits)
    stored = fingerprints.raw_of(db, [candidate.track_id for candidate in candidates])
    found = offhub.run(locate, prints, candidates, stored)[:MAX_ANSWERED]
    log.info("recon clip located", extra={"clip_key": clip_key, "hits": len(hits), "candidates": len(candidates),
                                          "matches": len(found)})
    return {
        "clip": {"format": clip.format, "duration_s": clip.duration_s},
        "matches": [{"track_id": m.track_id, "offset_s": m.offset_s, "score": m.score} for m in found],
    }


def _clip_path(clip_key: Any) -> Path:
    if not isinstance(clip_key, str) or not clip_key.startswith(f"{AREA}/"):
        raise InvalidField("invalid field: clip_key", {"clip_key": ["Must be a key in the media store's recon area."]})
    try:
        path = MediaStore.from_env(owner=AUDIO).path(clip_key)
    except MediaError:
        raise InvalidField("invalid field: clip_key", {"clip_key": ["Not a valid media key."]}) from None
    if not path.is_file():
        raise NotFound(f"no recon clip at {clip_key}", {"clip_key": clip_key})
    return path
