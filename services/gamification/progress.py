"""A page's progress: XP, level, achievements with their progress and rarity, and the XP history
(docs/gamification.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from services.common.clock import iso, iso_or_none
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import keyset_page
from services.gamification import access, aggregates, rules, store
from services.gamification.achievements import CATALOG
from services.gamification.models import ALL_TIME, AchievementEarned, Aggregate, Artist, XpEntry
from services.gamification.neighbours import Neighbours

XP_HISTORY = "gamification_xp"


def progress(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id) -> dict:
    return view(uow, access.producer_page(uow, neighbours, actor_id, artist_id))


def refresh_progress(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id, now: datetime) -> dict:
    """Recompute from the stored facts: lifetime XP from the ledger, achievements, every aggregate."""
    page = access.producer_page(uow, neighbours, actor_id, artist_id)
    store.lock_artist(uow, page)
    aggregates.rebuild(uow, page, now)
    return view(uow, page)


def artist_achievements(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id) -> dict:
    return view(uow, access.owner_or_admin(uow, neighbours, actor_id, artist_id))


def view(uow: UnitOfWork, artist_id: str) -> dict:
    page = uow.session.get(Artist, artist_id)
    xp = page.xp if page is not None else 0
    facts = aggregates.facts(uow, artist_id)
    earned = aggregates.earned(uow, artist_id)
    shares = holders_shares(uow)
    items = []
    for achievement in CATALOG:
        share = shares.get(achievement.code, 0.0)
        items.append({"code": achievement.code, "name": achievement.name, "description": achievement.description,
                      "xp": achievement.xp, "rarity": rules.rarity(share), "holders_share": round(share, 4),
                      "earned_at": iso_or_none(earned.get(achievement.code)),
                      "progress": {"current": achievement.current(facts), "target": achievement.target}})
    return {"artist_id": artist_id, **rules.level_of(xp), "xp": xp, "achievements": items}


def holders_shares(uow: UnitOfWork) -> dict[str, float]:
    """Each achievement's share of holders among the pages with any XP (one count each, from indexes)."""
    producers = uow.session.scalar(select(func.count()).select_from(Aggregate)
                                   .where(Aggregate.category == "points", Aggregate.bucket == ALL_TIME,
                                          Aggregate.value != 0)) or 0
    if not producers:
        return {}
    counts = uow.session.execute(select(AchievementEarned.code, func.count()).group_by(AchievementEarned.code))
    return {code: min(1.0, count / producers) for code, count in counts}


def xp_history(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id, page: PageRequest) -> Envelope:
    """Where every point came from, newest first."""
    shown = access.producer_page(uow, neighbours, actor_id, artist_id)
    mine = XpEntry.artist_id == shown
    keys = (XpEntry.created_at, XpEntry.id)
    rows = uow.session.scalars(keyset_page(select(XpEntry).where(mine), keys, page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.id)))
    total = uow.session.scalar(select(func.count()).select_from(XpEntry).where(mine)) or 0
    return envelope(XP_HISTORY, [_entry(row) for row in kept], total, next_position)


def _entry(entry: XpEntry) -> dict:
    return {"id": entry.id, "amount": entry.amount, "reason": entry.reason, "track_id": entry.track_id,
            "achievement": entry.achievement, "event_id": entry.event_id, "created_at": iso(entry.created_at)}
