"""A track's stems (docs/stems.md): the producer uploads a ZIP of WAV/FLAC files, audio checks it, catalog keeps it.

The archive streams into the media store's ``stems`` area like any upload (gateway/uploads.py). Until catalog
accepts its key it is the gateway's: every refusal — audio's coded 422, an audio that does not answer,
catalog's refusal — discards it, so a refused archive leaves nothing behind. Only when ``attach_stems`` itself
gets no answer is the file left alone (catalog may have taken it; docs/media-store.md)."""
from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, g
from flask.typing import ResponseReturnValue

from gateway.auth import producer_required
from gateway.openapi import MULTIPART, doc
from gateway.rpc import remote
from gateway.stems_schemas import StemsAttached, StemsUploadForm
from gateway.uploads import FileSpec, body_limit, form_body_limit, receive
from services.contracts.errors import Conflict, Forbidden
from services.contracts.vocabularies import STEMS_REJECTION_CODES

bp = Blueprint("stems", __name__, url_prefix="/api/v1/tracks")

STEMS_FILES = {"stems": FileSpec("stems", "STEMS_UPLOAD_MAX_BYTES")}
NOT_YOURS = "only the producer who uploaded this track can add its stems"
NO_AUDIO = ("the track's audio is not checked yet (or was rejected): add stems once the track is published, "
            "so they can be compared with it")


@bp.put("/<uuid:track_id>/stems")
@doc("Add or replace a track's stems (a ZIP of WAV/FLAC files; owner)", ok=(200, StemsAttached),
     body=StemsUploadForm, body_type=MULTIPART, errors=(403, 404, 409), description=(
         "One multipart part, `stems` (a file, ≤ STEMS_UPLOAD_MAX_BYTES): a ZIP whose every file is a WAV or "
         "FLAC stem — lossless by content, at the track's sample rate, as long as the track ± 1 s. Directory "
         "entries and `__MACOSX/`, `.DS_Store`, `Thumbs.db`, `desktop.ini` are ignored. The track is checked "
         "before the body is read: someone else's track → 403, an unknown one → 404, one whose audio is not "
         "published yet → 409. A refused archive → 422 `invalid` with `details` = `{\"stems\": [what to do], "
         "\"code\": <code>, \"member\": <the file at fault, when one is>}`, `code` one of: "
         + ", ".join(f"`{code}`" for code in STEMS_REJECTION_CODES)
         + " (docs/stems.md says when each applies). Nothing is stored then; new stems replace earlier ones."))
@body_limit(form_body_limit("STEMS_UPLOAD_MAX_BYTES"))
@producer_required
def put_stems(track_id: UUID) -> ResponseReturnValue:
    audio = _track_audio(str(track_id))
    form = receive(STEMS_FILES, {}, required=("stems",))
    key = form.files["stems"].key
    try:
        manifest = remote("audio", timeout=float(current_app.config["STEMS_CHECK_TIMEOUT_S"])).check_stems(
            stems_key=key, sample_rate=audio["sample_rate"], duration_s=audio["duration_s"])
    except BaseException:
        form.discard()  # catalog never saw the key, whatever audio answered (or did not)
        raise
    with form.cleanup_on_error():
        attached = remote("catalog").attach_stems(actor_id=g.user_id, track_id=str(track_id), stems_key=key,
                                                  manifest=manifest)
    return StemsAttached().dump(attached)


def _track_audio(track_id: str) -> dict[str, Any]:
    """The track's sample rate and duration, after refusing what catalog would refuse anyway — before a byte
    of a possibly 2 GiB body is read."""
    track = remote("catalog").get_track(track_id=track_id, actor_id=g.user_id)  # 404 unless visible to the caller
    if track.get("producer_user_id") != g.user_id:
        raise Forbidden(NOT_YOURS, {"track_id": track_id})
    audio = track.get("audio")
    if track.get("status") != "published" or not audio:
        raise Conflict(NO_AUDIO, {"track_id": track_id, "status": track.get("status")})
    return audio
