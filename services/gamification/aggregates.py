"""A page's facts, its achievements, and the aggregates the leaderboards rank, rebuilt from what is stored.

Consumers other than ``play_recorded`` (the hot path, which adds to the aggregates in place) call ``rebuild``
after writing their fact; ``refresh`` is the same rebuild, so both always agree with the facts."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, func, select

from services.common.db import UnitOfWork
from services.gamification import achievements, rules, store
from services.gamification.achievements import Facts
from services.gamification.models import (ALL_TIME, AchievementEarned, Aggregate, Artist, CollabCredit,
                                          DailyActivity, Earning, License, Sale, Track, VerifiedUser, XpEntry)


def _month(uow: UnitOfWork, column, timestamp: bool = True):
    """The ``YYYY-MM`` of a date or (UTC) timestamp column, in SQL (the ledger is too long to read in Python)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column) if timestamp else column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _published(uow: UnitOfWork, artist_id: str) -> list[Track]:
    return list(uow.session.scalars(select(Track).where(Track.artist_id == artist_id,
                                                        Track.published_at.is_not(None))))


def facts(uow: UnitOfWork, artist_id: str) -> Facts:
    session = uow.session
    tracks = _published(uow, artist_id)
    page = session.get(Artist, artist_id)
    verified = page is not None and page.user_id is not None and session.get(VerifiedUser, page.user_id) is not None
    count = lambda model, *where: int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
    return Facts(
        uploads=len(tracks),
        plays=int(session.scalar(select(func.coalesce(func.sum(DailyActivity.plays), 0))
                                 .where(DailyActivity.artist_id == artist_id)) or 0),
        downloads=count(License, License.artist_id == artist_id),
        exclusive_sales=count(Sale, Sale.artist_id == artist_id, Sale.sold_at.is_not(None)),
        earnings_credits=count(Earning, Earning.artist_id == artist_id, Earning.amount_cents > 0),
        verified=int(verified),
        metadata_complete=sum(1 for t in tracks if t.metadata_completed_at is not None and t.deleted_at is None),
        collaborations=count(CollabCredit, CollabCredit.artist_id == artist_id),
        month_streak=rules.longest_month_streak(rules.month_of(t.published_at) for t in tracks))


def earned(uow: UnitOfWork, artist_id: str) -> dict[str, datetime]:
    return dict(uow.session.execute(select(AchievementEarned.code, AchievementEarned.earned_at)
                                    .where(AchievementEarned.artist_id == artist_id)).all())


def award(uow: UnitOfWork, artist_id: str, now: datetime) -> Facts:
    """Record the achievements the page's facts now meet, each with its XP entry; the facts."""
    page_facts = facts(uow, artist_id)
    for achievement in achievements.newly_met(page_facts, set(earned(uow, artist_id))):
        uow.session.add(AchievementEarned(artist_id=artist_id, code=achievement.code, earned_at=now))
        store.grant(uow, artist_id, rules.ACHIEVEMENT, achievement.code, achievement.xp, now,
                    achievement=achievement.code)
    uow.session.flush()
    return page_facts


def rebuild(uow: UnitOfWork, artist_id: str, now: datetime) -> None:
    """Award what is due, then replace the page's aggregates and lifetime XP by what the facts say. The caller
    holds the page's lock (``store.lock_artist``)."""
    award(uow, artist_id, now)
    values = _values(uow, artist_id)
    session = uow.session
    session.execute(delete(Aggregate).where(Aggregate.artist_id == artist_id))
    session.add_all(Aggregate(artist_id=artist_id, category=category, bucket=bucket, value=value)
                    for (category, bucket), value in values.items() if value)
    page = store.artist(uow, artist_id)
    page.xp = int(values.get(("points", ALL_TIME), 0))
    session.flush()


def _values(uow: UnitOfWork, artist_id: str) -> dict[tuple[str, str], float]:
    session = uow.session
    values: dict[tuple[str, str], float] = defaultdict(float)

    def add(category: str, bucket: str, amount: float) -> None:
        values[(category, bucket)] += amount
        values[(category, ALL_TIME)] += amount

    month = _month(uow, XpEntry.created_at)
    for bucket, amount in session.execute(select(month, func.sum(XpEntry.amount))
                                          .where(XpEntry.artist_id == artist_id).group_by(month)):
        add("points", bucket, amount)
    month = _month(uow, DailyActivity.day, timestamp=False)
    for bucket, plays in session.execute(select(month, func.sum(DailyActivity.plays))
                                         .where(DailyActivity.artist_id == artist_id).group_by(month)):
        add("plays", bucket, plays)
    for track in _published(uow, artist_id):
        if track.deleted_at is None:  # Uploads and Quality count the live catalogue
            bucket = rules.month_of(track.published_at)
            add("uploads", bucket, 1)
            add("published", bucket, 1)
            add("complete", bucket, 1 if track.metadata_completed_at is not None else 0)
    for credited_at, in session.execute(select(CollabCredit.credited_at).where(CollabCredit.artist_id == artist_id)):
        add("collab", rules.month_of(credited_at), 1)
    for credited_at, amount, currency in session.execute(select(Earning.credited_at, Earning.amount_cents,
                                                                Earning.currency)
                                                         .where(Earning.artist_id == artist_id)):
        add(f"earnings:{currency}", rules.month_of(credited_at), amount)
    _derive(values)
    return values


def _derive(values: dict[tuple[str, str], float]) -> None:
    """Quality and Overall of every bucket, from the counts."""
    buckets = {bucket for _, bucket in values}
    for bucket in buckets:
        share = rules.quality(int(values.get(("published", bucket), 0)), int(values.get(("complete", bucket), 0)))
        if share is not None:
            values[("quality", bucket)] = share
        values[("overall", bucket)] = rules.overall(values.get(("points", bucket), 0.0), share)
