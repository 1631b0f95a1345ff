"""Audio Recon (docs/recon.md): a verified producer sends a clip and learns which published tracks it comes from,
and where in them it starts.

The clip streams into the media store's ``recon`` area like any upload (gateway/uploads.py), audio judges,
fingerprints and locates it (``recon``), and the gateway removes it after the call, whatever happened: the
area is the gateway's own, and a clip lives for one request. Audio answers every stored track the clip occurs
in; catalog's public view of each (``get_track`` without an actor) keeps only published ones and gives their
title and artists."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g
from flask.typing import ResponseReturnValue

from gateway.auth import producer_required
from gateway.openapi import MULTIPART, doc
from gateway.recon_schemas import ReconForm, ReconResult
from gateway.rpc import remote
from gateway.uploads import FileSpec, body_limit, form_body_limit, media_store, receive
from services.contracts.errors import Forbidden, NotFound
from services.contracts.vocabularies import RECON_MAX_MATCHES, RECON_MIN_SCORE, RECON_REJECTION_CODES

bp = Blueprint("recon", __name__, url_prefix="/api/v1/recon")

RECON_FILES = {"audio": FileSpec("recon", "UPLOAD_MAX_BYTES")}
#: the accounts role Audio Recon needs besides ``producer`` (granted by the Producer Program's ``get_verified``)
VERIFIED = "verified"
NOT_VERIFIED = "only verified producers can use Audio Recon: apply to get verified through the Producer Program"


@bp.post("")
@doc("Audio Recon: find the published tracks a clip comes from (verified producers)", ok=(200, ReconResult),
     body=ReconForm, body_type=MULTIPART, errors=(403,), description=(
         "One multipart part, `audio` (a file, ≤ UPLOAD_MAX_BYTES): a clip of 10 s to 10 minutes as WAV, FLAC or "
         "MP3, judged by content. It is compared with the fingerprints of every published track, at any offset: "
         "`matches` lists the tracks it occurs in — `{track_id, title, artist, offset_s, score}`, `offset_s` "
         "being where in the track the clip starts — best score first, at most "
         f"{RECON_MAX_MATCHES}; a score runs from {RECON_MIN_SCORE} (the threshold) to 1. A re-encoded copy "
         "(e.g. MP3 at 128 kbit/s) still matches. Anyone but a verified producer gets 403 before the body is "
         "read. A clip refused → 422 `invalid` with `details` = `{\"audio\": [what to send], \"code\": <code>, "
         "\"rejection_details\": {...}}`, `code` being the upload's own (docs/audio.md): "
         + ", ".join(f"`{code}`" for code in RECON_REJECTION_CODES)
         + ". The clip is never kept."))
@body_limit(form_body_limit("UPLOAD_MAX_BYTES"))
@producer_required
def recon() -> ResponseReturnValue:
    _require_verified()
    form = receive(RECON_FILES, {}, required=("audio",))
    try:
        located = remote("audio", timeout=float(current_app.config["RECON_TIMEOUT_S"])).recon(
            clip_key=form.files["audio"].key)
    finally:
        media_store().delete(*form.keys())  # whatever audio answered, or if it did not: it only reads the clip
    return ReconResult().dump({"clip": located["clip"], "matches": _published(located["matches"])})


def _require_verified() -> None:
    """Accounts, which owns roles, says whether the producer is verified — before a byte of the body is read."""
    try:
        remote("accounts").verify_actor(actor_id=g.user_id, role=VERIFIED)
    except Forbidden:
        raise Forbidden(NOT_VERIFIED, {"role": VERIFIED}) from None


def _published(located: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audio's matches that catalog shows anyone (published), with their title and artists, best first."""
    matches = []
    for match in located:
        try:
            track = remote("catalog").get_track(track_id=match["track_id"])
        except NotFound:
            continue  # deleted, rejected or not published yet
        if track.get("status") != "published":
            continue
        matches.append({"track_id": match["track_id"], "title": track["name"],
                        "artist": ", ".join(track.get("artists") or []), "offset_s": match["offset_s"],
                        "score": match["score"]})
        if len(matches) == RECON_MAX_MATCHES:
            break
    return matches
