"""Plays and listening history: a listener's progress reports count plays under the anti-repeat rule
of docs/business-rules.md "Streaming and plays" (``play_rules``) and keep their listening history.

Race safety: every report first makes sure the (listener, track) row of ``play_windows`` exists
(INSERT … ON CONFLICT DO NOTHING) and then locks it (SELECT … FOR UPDATE), so concurrent reports of
one listener on one track run one after the other and at most one of them counts within the hour.
The track's ``play_count`` is raised by an atomic ``UPDATE … SET play_count = play_count + 1``.
"""
from __future__ import annotations

from datetime import datetime
from typing import TypedDict, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from services.catalog.plays.models import HistoryEntry, Play, PlayWindow
from services.catalog.plays import rules as play_rules
from services.catalog.plays.schemas import HISTORY
from services.catalog.shared.queries import insert_once
from services.catalog.tracks.models import PUBLISHED, Artist, Track
from services.catalog.tracks.views import has_cover
from services.common.clock import as_utc, iso, iso_or_none, utcnow
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.persistence import parse_id
from services.common.sql import keyset_page
from services.common.validation import invalid
from services.contracts.errors import NotFound
from services.contracts.events import PLAY_RECORDED


class PlayResult(TypedDict):
    counted: bool
    reason: str
    play_count: int
    next_count_at: str | None


class TrackSummary(TypedDict):
    id: str
    name: str
    artists: list[str]
    artist_id: str
    status: str
    has_cover: bool
    cover_preset: str | None
    collection_id: str | None


class HistoryView(TypedDict):
    id: str
    track: TrackSummary
    listened_at: str
    started_at: str
    position_s: float
    counted: bool


# --- reporting progress ----------------------------------------------------------------------------

def report_play(uow: UnitOfWork, actor_id: str, track_id: str, report: dict[str, float],
                now: datetime | None = None) -> PlayResult:
    """Record ``report`` ({position_s, duration_s}, already loaded) of the actor on a published track:
    count a play when the rules say so (emitting ``play_recorded``) and update the listening history."""
    now = now or utcnow()
    session = uow.session
    listener = _listener(actor_id)
    track = _published_track(session, track_id)
    actual_s = _check_duration(track, report["duration_s"])
    window = _lock_window(session, listener, track.id)
    last_counted_at = as_utc(window.last_counted_at) if window.last_counted_at is not None else None
    verdict = play_rules.judge(report["position_s"], actual_s, _is_own(session, track, listener), last_counted_at,
                               now)
    if verdict.counted:
        play_count = _count(uow, track, window, report["position_s"], actual_s, now)
    else:  # read after the lock: a play another report just counted is included
        play_count = session.scalar(select(Track.play_count).where(Track.id == track.id)) or 0
    _remember(session, listener, track.id, report["position_s"], verdict.counted, now)
    session.flush()
    return PlayResult(counted=verdict.counted, reason=verdict.reason, play_count=play_count,
                      next_count_at=iso_or_none(verdict.next_count_at))


def _listener(actor_id: str) -> str:
    listener = parse_id(actor_id)
    if listener is None:
        raise invalid("actor_id", "not a user id")
    return listener


def _published_track(session: Session, track_id: str) -> Track:
    """Read under a key-share lock (PostgreSQL; SQLite ignores it): the track cannot be deleted while this
    report writes rows referring to it, yet concurrent reports (and play_count updates) never wait on it.
    A deletion that committed first leaves nothing to lock: NotFound."""
    canonical = parse_id(track_id)
    row = None if canonical is None else session.scalars(
        select(Track).where(Track.id == canonical).with_for_update(read=True, key_share=True)).first()
    if row is None or row.status != PUBLISHED:
        raise NotFound("track not found", {"track_id": str(track_id)})
    return row


def _check_duration(track: Track, reported_s: float) -> float:
    """The track's analysed duration, which the player's ``duration_s`` must agree with (every published
    track has one; the reported one stands in only if it were missing)."""
    actual_s = float((track.audio or {}).get("duration_s") or reported_s)
    if not play_rules.duration_agrees(reported_s, actual_s):
        raise invalid("duration_s", f"this track lasts {actual_s:.1f} s (tolerance "
                                    f"{play_rules.DURATION_TOLERANCE_S:g} s)")
    return actual_s


def _is_own(session: Session, track: Track, listener: str) -> bool:
    """The producer who uploaded the track, or one whose artist page is credited as a collaborator."""
    if track.producer_user_id == listener:
        return True
    collaborators = list(track.collaborators or [])
    return bool(collaborators) and session.scalar(
        select(func.count()).select_from(Artist).where(Artist.id.in_(collaborators), Artist.user_id == listener)) > 0


def _lock_window(session: Session, listener: str, track_id: str) -> PlayWindow:
    """The (listener, track) window row, created if missing and locked until the transaction ends: a
    concurrent report waits here (on the insert or the lock) and then sees this one's outcome. The track
    deleted meanwhile (SQLite takes no lock in ``_published_track``) fails the insert: NotFound."""
    insert_once(session, PlayWindow, {"listener_user_id": listener, "track_id": track_id, "last_counted_at": None})
    return session.scalars(select(PlayWindow).where(PlayWindow.listener_user_id == listener,
                                                    PlayWindow.track_id == track_id)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _count(uow: UnitOfWork, track: Track, window: PlayWindow, position_s: float, duration_s: float,
           now: datetime) -> int:
    """A counted play: its row, the window moved to now, the track's count raised, ``play_recorded``."""
    session = uow.session
    play = Play(track_id=track.id, listener_user_id=window.listener_user_id, position_s=position_s, played_at=now)
    session.add(play)
    window.last_counted_at = now
    result = cast(CursorResult, session.execute(
        update(Track).where(Track.id == track.id).values(play_count=Track.play_count + 1)
        .returning(Track.play_count).execution_options(synchronize_session=False)))
    play_count = int(result.scalar_one())
    session.flush()
    uow.emit(PLAY_RECORDED, {
        "play_id": play.id, "track_id": track.id, "listener_user_id": window.listener_user_id,
        "producer_user_id": track.producer_user_id, "artist_id": track.artist_id,
        "collaborator_artist_ids": list(track.collaborators or []), "duration_s": duration_s,
        "position_s": position_s, "played_at": iso(now)})
    return play_count


def _remember(session: Session, listener: str, track_id: str, position_s: float, counted: bool,
              now: datetime) -> None:
    """Continue the listener's latest history entry when it is this track within the hour, else add one."""
    latest = session.scalars(latest_entry(listener)).first()
    if latest is not None and play_rules.continues_session(latest.track_id, as_utc(latest.listened_at), track_id, now):
        latest.position_s, latest.listened_at = position_s, now
        latest.counted = latest.counted or counted
        return
    session.add(HistoryEntry(listener_user_id=listener, track_id=track_id, position_s=position_s,
                             counted=counted, started_at=now, listened_at=now))


# --- history -------------------------------------------------------------------------------------

def list_history(uow: UnitOfWork, actor_id: str, page: PageRequest) -> Envelope:
    """The actor's listening history, newest first. A deleted track's entries are gone with it."""
    session = uow.session
    listener = _listener(actor_id)
    rows = session.execute(history_page(listener, page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.HistoryEntry.listened_at,
                                                                  row.HistoryEntry.id)))
    total = session.scalar(select(func.count()).select_from(HistoryEntry)
                           .where(HistoryEntry.listener_user_id == listener)) or 0
    return envelope(HISTORY, [_history_view(row.HistoryEntry, row.Track) for row in kept], total, next_position)


def history_page(listener: str, page: PageRequest) -> Select:
    """One page (and one row more) of a listener's entries with their tracks: a range scan of
    ``ix_listening_history_listener_newest`` after the cursor."""
    return keyset_page(select(HistoryEntry, Track).join(Track, Track.id == HistoryEntry.track_id)
                           .where(HistoryEntry.listener_user_id == listener),
                           (HistoryEntry.listened_at, HistoryEntry.id), page)


def latest_entry(listener: str) -> Select:
    """The listener's latest history entry (the same index, read backwards, one row)."""
    return (select(HistoryEntry).where(HistoryEntry.listener_user_id == listener)
            .order_by(HistoryEntry.listened_at.desc(), HistoryEntry.id.desc()).limit(1))


def _history_view(entry: HistoryEntry, track: Track) -> HistoryView:
    summary = TrackSummary(id=track.id, name=track.name, artists=list(track.artists or []),
                           artist_id=track.artist_id, status=track.status, has_cover=has_cover(track),
                           cover_preset=track.cover_preset, collection_id=track.collection_id)
    return HistoryView(id=entry.id, track=summary, listened_at=iso(entry.listened_at),
                       started_at=iso(entry.started_at), position_s=entry.position_s, counted=entry.counted)
