"""The seven leaderboards (docs/gamification.md "Leaderboards"): rows of one indexed aggregate (category,
bucket) ranked by SQL's RANK() — ties share a rank (1, 1, 3) — and the caller's own rank, counted from the
same index. A page is unranked (``rank: null``) with a value of 0 or less, below Quality's threshold (it then
has no Quality row), or without a page at all."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from services.common.db import UnitOfWork
from services.common.pagination import Position, PageRequest, encode_cursor
from services.gamification import rules, store
from services.gamification.models import ALL_TIME, Aggregate
from services.gamification.neighbours import Neighbours

LEADERBOARD = "gamification_leaderboard"


def category_key(category: str, currency: str) -> str:
    return f"earnings:{currency}" if category == "earnings" else category


def cursor_kind(key: str, period: str) -> str:
    """A cursor is good for one board only."""
    return f"{LEADERBOARD}:{key}:{period}"


def bucket_of(period: str, now: datetime) -> str:
    return ALL_TIME if period == "all_time" else rules.month_of(now)


def leaderboard(uow: UnitOfWork, neighbours: Neighbours, category: str, period: str, currency: str,
                page: PageRequest, actor_id: str | None, now: datetime) -> dict[str, Any]:
    key, bucket = category_key(category, currency), bucket_of(period, now)
    rows = _ranked(uow, key, bucket, page)
    kept = rows[: page.limit]
    names = neighbours.artist_summaries([artist_id for artist_id, _, _ in kept])
    items = [{"rank": int(rank), "artist": _artist(names, artist_id), "value": _value(category, value)}
             for artist_id, value, rank in kept]
    next_cursor = None
    if len(rows) > page.limit and kept:
        last_id, last_value, _ = kept[-1]
        next_cursor = encode_cursor(cursor_kind(key, period), Position((float(last_value), last_id)))
    return {"category": category, "period": period, "currency": currency if category == "earnings" else None,
            "items": items, "total": _total(uow, key, bucket), "next": next_cursor,
            "me": None if actor_id is None else my_rank(uow, category, key, bucket, actor_id)}


def _ranked_rows(key: str, bucket: str):
    """Every ranked row of the board with its RANK(), as a subquery (read from the top of the index)."""
    return (select(Aggregate.artist_id, Aggregate.value,
                   func.rank().over(order_by=Aggregate.value.desc()).label("rank"))
            .where(Aggregate.category == key, Aggregate.bucket == bucket, Aggregate.value > 0)
            .subquery())


def _ranked(uow: UnitOfWork, key: str, bucket: str, page: PageRequest) -> list[tuple[str, float, int]]:
    ranked = _ranked_rows(key, bucket)
    statement = select(ranked.c.artist_id, ranked.c.value, ranked.c.rank)
    if page.after is not None:
        value, artist_id = page.after.values
        statement = statement.where(or_(ranked.c.value < value,
                                        and_(ranked.c.value == value, ranked.c.artist_id > artist_id)))
    statement = statement.order_by(ranked.c.value.desc(), ranked.c.artist_id).limit(page.limit + 1)
    return [tuple(row) for row in uow.session.execute(statement)]


def _total(uow: UnitOfWork, key: str, bucket: str) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(Aggregate)
                                  .where(Aggregate.category == key, Aggregate.bucket == bucket,
                                         Aggregate.value > 0)) or 0)


def my_rank(uow: UnitOfWork, category: str, key: str, bucket: str, actor_id: str) -> dict[str, Any]:
    """The caller's best-placed page: its rank is one more than the pages with a higher value (RANK()'s
    meaning, counted from the index)."""
    pages = store.pages_of(uow, actor_id)
    if not pages:
        return {"rank": None, "value": None}
    value = uow.session.scalar(select(func.max(Aggregate.value)).where(
        Aggregate.category == key, Aggregate.bucket == bucket, Aggregate.artist_id.in_(pages)))
    if value is None or value <= 0:
        return {"rank": None, "value": _value(category, value or 0)}
    higher = uow.session.scalar(select(func.count()).select_from(Aggregate).where(
        Aggregate.category == key, Aggregate.bucket == bucket, Aggregate.value > value)) or 0
    return {"rank": int(higher) + 1, "value": _value(category, value)}


def _artist(names: dict[str, dict], artist_id: str) -> dict[str, Any]:
    summary = names.get(artist_id) or {}
    return {"id": artist_id, "name": summary.get("name"), "verified": bool(summary.get("verified", False))}


def _value(category: str, value: float) -> float:
    """Counts and cents as whole numbers, Quality as a share rounded to 4 places."""
    return round(float(value), 4) if category in ("quality", "overall") else float(int(round(value)))
