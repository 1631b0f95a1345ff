"""Payouts' copy of the catalog: tracks and their credited artist pages with the accounts managing them. Events
keep it current between runs; at the start of each run it is refreshed from catalog's ``payout_tracks`` (who
manages a page changes with claims and deletions, which payouts does not hear about)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import delete, insert, select

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.payouts.models import Track, TrackArtist

#: rows per statement of the bulk refresh
CHUNK = 5_000


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
    """Upsert every track catalog lists (``PayoutTrack``) and replace their credited pages, in bulk (a run may
    start over 100,000 tracks); a deletion payouts heard of stays. The count."""
    session = uow.session
    listed = list(tracks)
    known = {track.track_id: track for track in session.scalars(select(Track))}
    pages: list[dict[str, Any]] = []
    for item in listed:
        track_id = str(item["track_id"])
        track = known.get(track_id)
        if track is None:
            track = known[track_id] = Track(track_id=track_id)
            session.add(track)
        artists = list(dict.fromkeys([str(item["artist_id"]),
                                      *(str(a) for a in item.get("collaborator_artist_ids") or [])]))
        owners = item.get("owners") or {}
        track.name, track.artist_id = item.get("name"), artists[0]
        track.licensing_model = item.get("licensing_model")
        track.published_at = _moment(item.get("published_at"))
        track.sold_at = _moment(item.get("sold_at"))
        track.producer_count = len(artists)
        pages.extend({"track_id": track_id, "artist_id": artist, "owner_user_id": owners.get(artist)}
                     for artist in artists)
    session.flush()
    ids = [str(item["track_id"]) for item in listed]
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(TrackArtist).where(TrackArtist.track_id.in_(ids[start:start + CHUNK])))
    for start in range(0, len(pages), CHUNK):
        session.execute(insert(TrackArtist), pages[start:start + CHUNK])
    return len(listed)
