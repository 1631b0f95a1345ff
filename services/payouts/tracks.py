"""Payouts' copy of the catalog: tracks and their credited artist pages with the accounts managing them. Events
keep it current between runs; at the start of each run it is refreshed from catalog's ``payout_tracks`` (who
manages a page changes with claims and deletions, which payouts does not hear about)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import delete, select

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.payouts.models import Track, TrackArtist


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def replace_artists(uow: UnitOfWork, track: Track, owners: dict[str, str | None],
                    keep_known_owners: bool = False) -> None:
    """The track's credited pages become ``owners`` (page → account); with ``keep_known_owners`` an owner this
    copy already knows is kept where ``owners`` has none (an event knows only the uploader's account)."""
    session = uow.session
    session.flush()
    known = {row.artist_id: row.owner_user_id
             for row in session.scalars(select(TrackArtist).where(TrackArtist.track_id == track.track_id))}
    session.execute(delete(TrackArtist).where(TrackArtist.track_id == track.track_id))
    for artist_id, owner in owners.items():
        if owner is None and keep_known_owners:
            owner = known.get(artist_id)
        session.add(TrackArtist(track_id=track.track_id, artist_id=artist_id, owner_user_id=owner))
    track.producer_count = max(1, len(owners))


def refresh(uow: UnitOfWork, tracks: Iterable[dict[str, Any]]) -> int:
    """Upsert every track catalog lists (``PayoutTrack``); a deletion payouts heard of stays. The count."""
    session = uow.session
    count = 0
    for item in tracks:
        track = session.get(Track, str(item["track_id"]))
        if track is None:
            track = Track(track_id=str(item["track_id"]))
            session.add(track)
        track.name = item.get("name")
        track.artist_id = str(item["artist_id"])
        track.licensing_model = item.get("licensing_model")
        track.published_at = _moment(item.get("published_at"))
        track.sold_at = _moment(item.get("sold_at"))
        artists = [str(item["artist_id"]), *(str(a) for a in item.get("collaborator_artist_ids") or [])]
        owners = item.get("owners") or {}
        replace_artists(uow, track, {artist: owners.get(artist) for artist in dict.fromkeys(artists)})
        count += 1
    return count
