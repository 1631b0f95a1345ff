"""Playlists: public or private, ordered, edited by their owner only.

A private playlist does not exist for anyone but its owner (NotFound); someone else's public one is
Forbidden to change. Every change first takes the playlist's row lock (an UPDATE of ``updated_at``:
PostgreSQL locks the row, SQLite takes its write lock), so concurrent edits of one playlist run one
after the other and never compute the same position. Positions are 0..n-1 in the stored order, unique
per playlist (a unique index backs the lock); a track is in a playlist at most once (409)."""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence, TypedDict

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.catalog.community.models import Playlist, PlaylistTrack
from services.catalog.shared.queries import newest_first
from services.catalog.shared.references import gone_as_not_found
from services.catalog.tracks.models import Track
from services.catalog.tracks import repository, views
from services.common.clock import iso, utcnow
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest
from services.common.persistence import parse_id
from services.contracts.vocabularies import PLAYLIST_MAX_TRACKS
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound

MINE = "playlists:mine"
PUBLIC = "playlists:public"


class PlaylistSummary(TypedDict):
    id: str
    owner_id: str
    name: str
    description: str | None
    public: bool
    track_count: int
    created_at: str
    updated_at: str


class PlaylistView(PlaylistSummary):
    tracks: list[views.TrackView]  # in the playlist's order


# --- the playlist itself -------------------------------------------------------------------------

def create_playlist(uow: UnitOfWork, actor_id: str, data: dict[str, Any]) -> PlaylistView:
    now = utcnow()
    row = Playlist(owner_id=actor_id, name=data["name"], description=data["description"] or None,
                   public=data["public"], created_at=now, updated_at=now)
    uow.session.add(row)
    uow.session.flush()
    return _view(uow.session, row)


def get_playlist(uow: UnitOfWork, playlist_id: str, actor_id: str | None = None) -> PlaylistView:
    row = repository.find(uow.session, Playlist, playlist_id)
    if row is None or not _visible(row, actor_id):
        raise _not_found(playlist_id)
    return _view(uow.session, row)


def update_playlist(uow: UnitOfWork, actor_id: str, playlist_id: str, changes: dict[str, Any]) -> PlaylistView:
    row = _own(uow.session, actor_id, playlist_id)
    for name, value in changes.items():
        setattr(row, name, value)
    uow.session.flush()
    return _view(uow.session, row)


def delete_playlist(uow: UnitOfWork, actor_id: str, playlist_id: str) -> None:
    session = uow.session
    session.delete(_own(session, actor_id, playlist_id))  # its entries go with it (ON DELETE CASCADE)
    session.flush()


# --- its tracks ----------------------------------------------------------------------------------

def add_track(uow: UnitOfWork, actor_id: str, playlist_id: str, track_id: str,
              position: int | None = None) -> PlaylistView:
    """Insert a published track at ``position`` (0-based; omitted or past the end: appended)."""
    session = uow.session
    row = _own(session, actor_id, playlist_id)
    track = repository.visible_track(session, track_id)
    stored = _stored_positions(session, row.id)
    if track.id in stored:
        raise Conflict("this track is already in the playlist", {"track_id": track.id})
    if len(stored) >= PLAYLIST_MAX_TRACKS:
        raise Conflict(f"a playlist holds at most {PLAYLIST_MAX_TRACKS} tracks", {"playlist_id": row.id})
    order = list(stored)
    order.insert(len(order) if position is None else min(position, len(order)), track.id)
    with gone_as_not_found(PlaylistTrack, {"track_id": track.id}):  # the track deleted meanwhile: 404
        _store_order(session, row.id, order, stored)
    return _view(session, row)


def remove_track(uow: UnitOfWork, actor_id: str, playlist_id: str, track_id: str) -> None:
    session = uow.session
    row = _own(session, actor_id, playlist_id)
    removed = session.execute(delete(PlaylistTrack).where(PlaylistTrack.playlist_id == row.id,
                                                          PlaylistTrack.track_id == parse_id(track_id)))
    if not removed.rowcount:
        raise NotFound("this track is not in the playlist", {"track_id": str(track_id)})
    stored = _stored_positions(session, row.id)
    _store_order(session, row.id, list(stored), stored)  # close the gap


def reorder_tracks(uow: UnitOfWork, actor_id: str, playlist_id: str, track_ids: list[str]) -> PlaylistView:
    """Store a new order: ``track_ids`` must be exactly the playlist's tracks, each once."""
    session = uow.session
    row = _own(session, actor_id, playlist_id)
    stored = _stored_positions(session, row.id)
    problems = order_problems(list(stored), track_ids)
    if problems:
        raise InvalidField("track_ids must list exactly the playlist's tracks, each once", {"track_ids": problems})
    _store_order(session, row.id, track_ids, stored)
    return _view(session, row)


def order_problems(current: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """What keeps ``wanted`` from being a permutation of ``current``, naming the ids (empty if nothing)."""
    known = set(current)
    problems = []
    foreign = list(dict.fromkeys(track_id for track_id in wanted if track_id not in known))
    missing = [track_id for track_id in current if track_id not in set(wanted)]
    repeated = [track_id for track_id, times in Counter(wanted).items() if times > 1 and track_id in known]
    if foreign:
        problems.append(f"not in this playlist: {', '.join(foreign)}")
    if missing:
        problems.append(f"missing from the new order: {', '.join(missing)}")
    if repeated:
        problems.append(f"listed more than once: {', '.join(repeated)}")
    return problems


def _stored_positions(session: Session, playlist_id: str) -> dict[str, int]:
    """Track id → stored position, in playlist order (dicts keep insertion order)."""
    rows = session.execute(select(PlaylistTrack.track_id, PlaylistTrack.position)
                           .where(PlaylistTrack.playlist_id == playlist_id).order_by(PlaylistTrack.position))
    return {track_id: position for track_id, position in rows}


def _store_order(session: Session, playlist_id: str, order: list[str], stored: dict[str, int]) -> None:
    """Give each track of ``order`` its index as position; tracks not stored yet are inserted."""
    wanted = {track_id: index for index, track_id in enumerate(order)}
    moving = [track_id for track_id, position in stored.items() if wanted[track_id] != position]
    entries = (PlaylistTrack.playlist_id == playlist_id,)
    if moving:
        # the unique (playlist, position) index is checked row by row: park the moving rows on
        # distinct negative positions first, so no intermediate state collides
        session.execute(update(PlaylistTrack).where(*entries, PlaylistTrack.track_id.in_(moving))
                        .values(position=-1 - PlaylistTrack.position).execution_options(synchronize_session=False))
        for track_id in moving:
            session.execute(update(PlaylistTrack).where(*entries, PlaylistTrack.track_id == track_id)
                            .values(position=wanted[track_id]).execution_options(synchronize_session=False))
    now = utcnow()
    session.add_all(PlaylistTrack(playlist_id=playlist_id, track_id=track_id, position=index, added_at=now)
                    for track_id, index in wanted.items() if track_id not in stored)
    session.flush()


# --- lists ---------------------------------------------------------------------------------------

def list_my_playlists(uow: UnitOfWork, actor_id: str, page: PageRequest) -> Envelope:
    """The actor's playlists, private ones included, newest first."""
    return _list(uow, MINE, page, owned_by(actor_id, public_only=False))


def list_public_playlists(uow: UnitOfWork, user_id: str, page: PageRequest) -> Envelope:
    """A user's public playlists (the profile tab), newest first."""
    return _list(uow, PUBLIC, page, owned_by(user_id, public_only=True))


def owned_by(user_id: str, public_only: bool) -> tuple[Any, ...]:
    """Conditions selecting a user's playlists: both page through the (owner, created_at, id) index."""
    if public_only:
        return Playlist.owner_id == user_id, Playlist.public.is_(True)
    return (Playlist.owner_id == user_id,)


def _list(uow: UnitOfWork, kind: str, page: PageRequest, conditions: tuple[Any, ...]) -> Envelope:
    session = uow.session
    total = session.scalar(select(func.count()).select_from(Playlist).where(*conditions)) or 0
    return newest_first(session, select(Playlist).where(*conditions), Playlist.created_at, Playlist.id, page, kind,
                        total, lambda rows: _summaries(session, rows))


def _summaries(session: Session, rows: Sequence[Playlist]) -> list[PlaylistSummary]:
    counts: dict[str, int] = {}
    if rows:
        counts = dict(session.execute(select(PlaylistTrack.playlist_id, func.count())
                                      .where(PlaylistTrack.playlist_id.in_([row.id for row in rows]))
                                      .group_by(PlaylistTrack.playlist_id)).tuples().all())
    return [_summary(row, counts.get(row.id, 0)) for row in rows]


# --- look-ups and views --------------------------------------------------------------------------

def _not_found(playlist_id: object) -> NotFound:
    return NotFound("playlist not found", {"playlist_id": str(playlist_id)})


def _visible(row: Playlist, actor_id: str | None) -> bool:
    return row.public or (actor_id is not None and row.owner_id == parse_id(actor_id))


def _own(session: Session, actor_id: str, playlist_id: object) -> Playlist:
    """The actor's playlist, locked for a change (and its ``updated_at`` set). Someone else's public
    playlist is Forbidden; their private one NotFound (its existence is not revealed)."""
    canonical = parse_id(playlist_id)
    if canonical is None:
        raise _not_found(playlist_id)
    session.execute(update(Playlist).where(Playlist.id == canonical).values(updated_at=utcnow())
                    .execution_options(synchronize_session=False))
    row = session.scalars(select(Playlist).where(Playlist.id == canonical)
                          .execution_options(populate_existing=True)).first()
    if row is None or not _visible(row, actor_id):
        raise _not_found(playlist_id)
    if row.owner_id != parse_id(actor_id):
        raise Forbidden("only the owner of this playlist can change it")
    return row


def _summary(row: Playlist, track_count: int) -> PlaylistSummary:
    return PlaylistSummary(id=row.id, owner_id=row.owner_id, name=row.name, description=row.description,
                           public=row.public, track_count=track_count, created_at=iso(row.created_at),
                           updated_at=iso(row.updated_at))


def _view(session: Session, row: Playlist) -> PlaylistView:
    tracks = session.scalars(select(Track).join(PlaylistTrack, PlaylistTrack.track_id == Track.id)
                             .where(PlaylistTrack.playlist_id == row.id).order_by(PlaylistTrack.position)).all()
    return PlaylistView(**_summary(row, len(tracks)), tracks=[views.track(track) for track in tracks])
