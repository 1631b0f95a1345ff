"""What the licensing service needs about a track (``licensing_facts``) and the stems an exclusive
delivers (``attach_stems``). Catalog only reports facts and stores files here: licensing decides who may
download what (docs/licensing.md)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.catalog.tracks.models import PUBLISHED, REJECTED, WITHDRAWN, Artist, Track
from services.catalog.tracks import repository, rules
from services.common.clock import iso, utcnow
from services.common.db import UnitOfWork
from services.common.media import MediaError, MediaStore
from services.common.validation import invalid
from services.contracts.errors import Conflict, NotFound

STEMS_AREA = "stems"


def licensing_facts(uow: UnitOfWork, track_id: str) -> dict[str, Any]:
    """The facts of any track, whatever its status (licensing hides what the actor may not see)."""
    session = uow.session
    row = repository.find_track(session, track_id)
    if row is None:
        raise NotFound("track not found", {"track_id": str(track_id)})
    artist = session.get(Artist, row.artist_id)
    return {
        "track_id": row.id, "name": row.name,
        # a withdrawn track is a published one whose producer left: clients see it as published
        "status": PUBLISHED if row.status == WITHDRAWN else row.status,
        "withdrawn": row.status == WITHDRAWN,
        "artist_id": row.artist_id, "artist_name": artist.name if artist is not None else "",
        "producer_user_id": row.producer_user_id,
        "owner_user_ids": owner_user_ids(session, row),
        "licensing_model": row.licensing_model,
        "exclusive": _exclusive_terms(row.exclusive),
        "original": _original(row), "mp3_320": _mp3_320(row), "stems": _stems(row),
        "fingerprint_hash": row.fingerprint_hash,
    }


def owner_user_ids(session, row: Track) -> list[str]:
    """The uploader (not once withdrawn: that id is a pseudonym no account has) and the accounts owning the
    credited collaborators' artist pages (an unclaimed page has none)."""
    owners = [] if row.status == WITHDRAWN else [row.producer_user_id]
    if row.collaborators:
        owners += session.scalars(select(Artist.user_id).where(
            Artist.id.in_(list(row.collaborators)), Artist.user_id.is_not(None)).order_by(Artist.id)).all()
    return list(dict.fromkeys(owners))


def _exclusive_terms(exclusive: dict[str, Any] | None) -> dict[str, Any] | None:
    if exclusive is None:
        return None  # the contact email is the producer's own business, never licensing's
    return {"price_cents": exclusive["price_cents"], "currency": exclusive["currency"],
            "status": exclusive["status"]}


def _original(row: Track) -> dict[str, Any] | None:
    if row.status == REJECTED:
        return None  # a rejected upload's file is deleted
    audio_format = rules.original_format((row.audio or {}).get("format"), row.audio_key)
    return {"key": row.audio_key, "format": audio_format, "content_type": rules.original_content_type(audio_format)}


def _mp3_320(row: Track) -> dict[str, Any] | None:
    if row.download_key is None:
        return None
    return {"key": row.download_key, "content_type": rules.MP3_CONTENT_TYPE}


def _stems(row: Track) -> dict[str, Any] | None:
    if row.stems_key is None:
        return None
    manifest = row.stems or {}
    return {"key": row.stems_key, "size_bytes": manifest.get("size_bytes"), "members": manifest.get("members", [])}


# --- stems -----------------------------------------------------------------------------------------

def attach_stems(uow: UnitOfWork, media: MediaStore, actor_id: str, track_id: str, stems_key: str,
                 manifest: dict[str, Any]) -> dict[str, Any]:
    """Record the archive the gateway stored and audio checked; earlier stems are replaced and their
    archive deleted once this commits (as a replaced avatar is)."""
    _check_stems_key(media, stems_key)
    row = repository.own_track(uow.session, actor_id, track_id)
    if row.status != PUBLISHED:
        raise Conflict("stems can be added once the track is published", {"track_id": row.id,
                                                                            "status": row.status})
    stale, now = row.stems_key, utcnow()
    row.stems_key, row.stems, row.stems_uploaded_at = stems_key, dict(manifest), now
    uow.session.flush()
    if stale is not None and stale != stems_key:
        uow.after_commit(lambda: media.delete(stale))
    return {"track_id": row.id, "stems": dict(manifest), "uploaded_at": iso(now)}


def _check_stems_key(media: MediaStore, stems_key: str) -> None:
    try:
        path = media.path(stems_key)
    except MediaError:
        raise invalid("stems_key", "not a media key") from None
    if stems_key.split("/", 1)[0] != STEMS_AREA:
        raise invalid("stems_key", f"not a key of the {STEMS_AREA}/ area")
    if not path.is_file():
        raise invalid("stems_key", "no such file in the media store")
