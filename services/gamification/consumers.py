"""The events gamification builds everything from. Each accepts pages and tracks it never saw and any order:
a fact that cannot be attributed yet (a metadata-complete or a deletion before the track's publication) waits
on the track's row and is attributed when ``track_published`` comes. Each is idempotent twice over: the
entrypoint records the event id, and every XP entry and fact has a unique key from its source, so a replay under
another id writes nothing either (docs/gamification.md "Consumers")."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.common.sql import insert_ignoring_duplicates
from services.gamification import aggregates, clock, rules, store
from services.gamification.achievements import PLAY_TARGETS
from services.gamification.models import (ALL_TIME, Artist, CollabCredit, Earning, License, Sale, Track,
                                          VerifiedUser)


def _when(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return as_utc(value)


def _earliest(current: datetime | None, new: datetime) -> datetime:
    return new if current is None else min(as_utc(current), new)


def _rebuild(uow: UnitOfWork, artist_id: str) -> None:
    aggregates.rebuild(uow, artist_id, clock.now())


def track_published(uow: UnitOfWork, event: dict) -> None:
    track_id, artist_id = str(event["track_id"]), str(event["artist_id"])
    track = store.locked_track(uow, track_id)
    store.lock_artist(uow, artist_id)
    first = track.published_at is None
    track.artist_id, track.producer_user_id = artist_id, str(event["producer_user_id"])
    track.published_at = _earliest(track.published_at, _when(event["published_at"]))
    page = store.artist(uow, artist_id)
    if page.user_id is None and page.page_changed_at is None:  # until catalog's artist_page_changed says
        page.user_id = track.producer_user_id
    if first:
        store.count_day(uow, artist_id, track.published_at.date(), "uploads")
    _attribute(uow, track, event["event_id"])
    _rebuild(uow, artist_id)


def _attribute(uow: UnitOfWork, track: Track, event_id: Any) -> None:
    """The XP a published track earns from what is known of it, whatever came first."""
    artist_id, track_id = track.artist_id, track.track_id
    store.grant(uow, artist_id, rules.TRACK_PUBLISHED, track_id, rules.XP[rules.TRACK_PUBLISHED],
                as_utc(track.published_at), track_id=track_id, event_id=event_id)
    if track.metadata_completed_at is not None:
        store.grant(uow, artist_id, rules.METADATA_COMPLETE, track_id, rules.XP[rules.METADATA_COMPLETE],
                    as_utc(track.metadata_completed_at), track_id=track_id, event_id=event_id)
    if track.deleted_at is not None:  # taken back: deleting and re-uploading earns nothing
        store.grant(uow, artist_id, rules.TRACK_DELETED, track_id, rules.XP[rules.TRACK_DELETED],
                    as_utc(track.deleted_at), track_id=track_id, event_id=event_id)


def track_metadata_completed(uow: UnitOfWork, event: dict) -> None:
    track = store.locked_track(uow, str(event["track_id"]))
    track.metadata_completed_at = _earliest(track.metadata_completed_at, _when(event["occurred_at"]))
    if track.producer_user_id is None:
        track.producer_user_id = str(event["producer_user_id"])
    if track.artist_id is not None and track.published_at is not None:
        store.lock_artist(uow, track.artist_id)
        _attribute(uow, track, event["event_id"])
        _rebuild(uow, track.artist_id)


def track_deleted(uow: UnitOfWork, event: dict) -> None:
    track = store.locked_track(uow, str(event["track_id"]))
    track.deleted_at = _earliest(track.deleted_at, _when(event["occurred_at"]))
    if track.artist_id is not None and track.published_at is not None:
        store.lock_artist(uow, track.artist_id)
        _attribute(uow, track, event["event_id"])
        _rebuild(uow, track.artist_id)


def collaboration_credited(uow: UnitOfWork, event: dict) -> None:
    track_id, artist_id = str(event["track_id"]), str(event["artist_id"])
    when = _when(event["occurred_at"])
    store.lock_artist(uow, artist_id)
    insert_ignoring_duplicates(uow.session, CollabCredit, {
        "track_id": track_id, "artist_id": artist_id, "credited_by_artist_id": str(event["credited_by_artist_id"]),
        "credited_at": when})
    store.grant(uow, artist_id, rules.COLLABORATION, track_id, rules.XP[rules.COLLABORATION], when,
                track_id=track_id, event_id=event["event_id"])
    _rebuild(uow, artist_id)


def plays_recorded(uow: UnitOfWork, events: list[dict]) -> None:
    """The hot path, set-based for a batch of plays (``batch_event_handler``; one play is a batch of one): the XP
    entries keyed by play, then — in page order — the pages' locks with their XP, the days' counters and the
    aggregates in place, each one statement; the achievements only for pages whose plays crossed one of their
    targets. A play already counted (under any event id, in this batch or before) adds nothing, so the result is
    the same for any split of the plays into batches and any order."""
    amount = rules.XP[rules.PLAY]
    plays: dict[tuple[str, str], tuple[dict, datetime]] = {}
    for event in events:  # the first of the same play wins, as it would one event at a time
        key = (str(event["play_id"]), str(event["artist_id"]))
        if key not in plays:
            plays[key] = (event, _when(event["played_at"]))
    granted = store.grant_many(uow, [
        store.entry(artist_id, rules.PLAY, play_id, amount, when, track_id=str(event["track_id"]),
                    event_id=event["event_id"]) for (play_id, artist_id), (event, when) in plays.items()])
    days: Counter = Counter(((artist_id, plays[(play_id, artist_id)][1].date()) for play_id, artist_id in granted))
    xp: Counter = Counter()
    deltas: Counter = Counter()
    for (artist_id, day), count in days.items():
        xp[artist_id] += count * amount
        for bucket in (ALL_TIME, rules.month_of(day)):
            deltas[(artist_id, "plays", bucket)] += count
            deltas[(artist_id, "points", bucket)] += count * amount
            deltas[(artist_id, "overall", bucket)] += count * amount
    # the pages locked after their entries: a rebuild holding a lock cannot see them uncommitted, and adds
    # nothing of them
    store.add_xp(uow, xp)
    store.count_days(uow, days, "plays")
    totals = store.bump_many(uow, deltas)
    for artist_id in sorted(xp):
        now = int(totals[(artist_id, "plays", ALL_TIME)])
        before = now - deltas[(artist_id, "plays", ALL_TIME)]
        if any(before < target <= now for target in PLAY_TARGETS):
            _rebuild(uow, artist_id)


def play_recorded(uow: UnitOfWork, event: dict) -> None:
    """One play: a batch of one."""
    plays_recorded(uow, [event])


def license_issued(uow: UnitOfWork, event: dict) -> None:
    artist_id, when = str(event["artist_id"]), _when(event["issued_at"])
    store.lock_artist(uow, artist_id)
    if insert_ignoring_duplicates(uow.session, License, {
            "license_id": str(event["license_id"]), "artist_id": artist_id, "track_id": str(event["track_id"]),
            "license_type": event["license_type"], "issued_at": when}):
        store.count_day(uow, artist_id, when.date(), "downloads")
    _rebuild(uow, artist_id)


def exclusive_sold(uow: UnitOfWork, event: dict) -> None:
    artist_id = str(event["artist_id"])
    store.lock_artist(uow, artist_id)
    sale = _sale(uow, event)
    sale.sold_at = _earliest(sale.sold_at, _when(event["sold_at"]))
    _rebuild(uow, artist_id)


def exclusive_refunded(uow: UnitOfWork, event: dict) -> None:
    """The sale's earnings go back (payouts emits no event for its debit); the achievement stays."""
    artist_id, license_id, when = str(event["artist_id"]), str(event["license_id"]), _when(event["refunded_at"])
    store.lock_artist(uow, artist_id)
    sale = _sale(uow, event)
    sale.refunded_at = _earliest(sale.refunded_at, when)
    insert_ignoring_duplicates(uow.session, Earning, {
        "source": f"refund:{license_id}", "artist_id": artist_id, "user_id": None,
        "amount_cents": -event["price_cents"], "currency": event["currency"].upper(), "credited_at": when})
    _rebuild(uow, artist_id)


def _sale(uow: UnitOfWork, event: dict) -> Sale:
    license_id = str(event["license_id"])
    insert_ignoring_duplicates(uow.session, Sale, {"license_id": license_id, "artist_id": str(event["artist_id"]),
                                                   "track_id": str(event["track_id"])})
    return uow.session.get(Sale, license_id, with_for_update=True, populate_existing=True)


def earnings_credited(uow: UnitOfWork, event: dict) -> None:
    """Earnings belong to the page credited; an account-level credit (no page) to the account's first page
    gamification knows, or to none until then."""
    user_id = str(event["user_id"])
    artist_id = str(event["artist_id"]) if event.get("artist_id") else next(iter(store.pages_of(uow, user_id)), None)
    if artist_id is not None:
        store.lock_artist(uow, artist_id)
    insert_ignoring_duplicates(uow.session, Earning, {
        "source": str(event["entry_id"]), "artist_id": artist_id, "user_id": user_id,
        "amount_cents": event["amount_cents"], "currency": event["currency"].upper(),
        "credited_at": _when(event["credited_at"])})
    if artist_id is not None:
        _rebuild(uow, artist_id)


def producer_verified(uow: UnitOfWork, event: dict) -> None:
    user_id = str(event["user_id"])
    insert_ignoring_duplicates(uow.session, VerifiedUser, {"user_id": user_id,
                                                           "verified_at": _when(event["occurred_at"])})
    for artist_id in store.pages_of(uow, user_id):
        store.lock_artist(uow, artist_id)
        _rebuild(uow, artist_id)


def artist_page_changed(uow: UnitOfWork, event: dict) -> None:
    """Keep the newest claim state of the page (by ``occurred_at``): a late retry never rolls it back."""
    artist_id, when = str(event["artist_id"]), _when(event["occurred_at"])
    store.lock_artist(uow, artist_id)
    page = store.artist(uow, artist_id)
    if page.page_changed_at is not None and as_utc(page.page_changed_at) >= when:
        return
    page.user_id = str(event["user_id"]) if event.get("user_id") else None
    page.page_changed_at = when
    if page.user_id is not None:  # account-level credits that came before any page of the account was known
        uow.session.execute(update(Earning).where(Earning.user_id == page.user_id, Earning.artist_id.is_(None))
                            .values(artist_id=artist_id))
    _rebuild(uow, artist_id)  # a claimed page may now be verified


def user_deleted(uow: UnitOfWork, event: dict) -> None:
    """Forget the person; their pages keep their XP and achievements (catalog releases the pages)."""
    user_id = str(event["user_id"])
    session = uow.session
    session.execute(delete(VerifiedUser).where(VerifiedUser.user_id == user_id))
    session.execute(update(Artist).where(Artist.user_id == user_id).values(user_id=None))
    session.execute(update(Track).where(Track.producer_user_id == user_id).values(producer_user_id=None))
    session.execute(update(Earning).where(Earning.user_id == user_id).values(user_id=None))

