"""The producer's Backstage data gamification holds (docs/gamification.md "Backstage"): the dashboard and the
yearly activity (plays from ``play_recorded``, downloads from ``license_issued``, uploads from
``track_published``, each on its UTC day)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from services.common.db import UnitOfWork
from services.gamification import access, rules
from services.gamification.models import Artist, DailyActivity
from services.gamification.neighbours import Neighbours

DAYS = 365
SHORTCUTS = (
    {"label": "My beats", "href": "/producer/beats"},
    {"label": "Collections", "href": "/producer/collections"},
    {"label": "Activity", "href": "/producer/activity"},
    {"label": "Progress", "href": "/producer/progress"},
    {"label": "Finances", "href": "/producer/finances"},
    {"label": "Leaderboards", "href": "/leaderboards/overall"},
)


def dashboard(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id, now: datetime) -> dict:
    page = access.producer_page(uow, neighbours, actor_id, artist_id)
    name = (neighbours.artist_summaries([page]).get(page) or {}).get("name")
    totals = _totals(uow, page, None)
    month_start = now.date().replace(day=1)
    this_month = _totals(uow, page, month_start)
    known = uow.session.get(Artist, page)
    xp = known.xp if known is not None else 0
    level = rules.level_of(xp)
    return {"artist_id": page,
            "greeting": f"Welcome back, {name}!" if name else "Welcome back!",
            "stats": {**totals, "plays_this_month": this_month["plays"],
                      "downloads_this_month": this_month["downloads"], "uploads_this_month": this_month["uploads"],
                      "xp": xp, "level": level["level"], "title": level["title"]},
            "shortcuts": [dict(shortcut) for shortcut in SHORTCUTS]}


def activity(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id, now: datetime) -> dict:
    page = access.producer_page(uow, neighbours, actor_id, artist_id)
    today = now.date()
    first = today - timedelta(days=DAYS - 1)
    stored = {row.day: row for row in uow.session.scalars(
        select(DailyActivity).where(DailyActivity.artist_id == page, DailyActivity.day >= first,
                                    DailyActivity.day <= today))}
    days = [_day(first + timedelta(days=offset), stored) for offset in range(DAYS)]
    plays, downloads = sum(d["plays"] for d in days), sum(d["downloads"] for d in days)
    busiest = max(days, key=lambda d: (d["plays"] + d["downloads"] + d["uploads"], d["date"]))
    active = [d for d in days if d["plays"] or d["downloads"] or d["uploads"]]
    return {"artist_id": page, "days": days,
            "overview": {"plays": plays, "downloads": downloads, "uploads": sum(d["uploads"] for d in days),
                         "active_days": len(active), "busiest_day": busiest["date"] if active else None,
                         "from": first.isoformat(), "to": today.isoformat()},
            "downloads": {"total": downloads, "per_100_plays": rules.engagement(plays, downloads)}}


def _day(day: date, stored: dict) -> dict:
    row = stored.get(day)
    return {"date": day.isoformat(), "plays": row.plays if row else 0, "downloads": row.downloads if row else 0,
            "uploads": row.uploads if row else 0}


def _totals(uow: UnitOfWork, artist_id: str, since: date | None) -> dict:
    where = [DailyActivity.artist_id == artist_id] + ([DailyActivity.day >= since] if since else [])
    plays, downloads, uploads = uow.session.execute(select(
        func.coalesce(func.sum(DailyActivity.plays), 0), func.coalesce(func.sum(DailyActivity.downloads), 0),
        func.coalesce(func.sum(DailyActivity.uploads), 0)).where(*where)).one()
    return {"plays": int(plays), "downloads": int(downloads), "uploads": int(uploads)}
