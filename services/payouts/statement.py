"""The pool statement of a period (docs/payouts.md "Statement"): the pool, the platform total, the producer's
contribution, share and pro-rata amount, a per-track breakdown, and beside it the same period computed
user-centrically — each subscriber's fee split by what that subscriber played."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from services.common.db import UnitOfWork
from services.contracts.errors import Conflict
from services.payouts import formula
from services.payouts.finances import artists_of
from services.payouts.models import Play, Revenue, Track, TrackArtist
from services.payouts.neighbours import Neighbours
from services.payouts.periods import Period, parse_period
from services.payouts.pool import TrackValue, eligible, pool_of, values_of
from services.payouts.rules import POOL_CURRENCY
from services.payouts.runs import find_by_period


def statement(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, period_text: object, artist_id: str | None,
              now: datetime) -> dict:
    shown, _ = artists_of(uow, neighbours, actor_id, artist_id)
    period = parse_period(period_text)
    if not period.has_ended(now):
        raise Conflict(f"the period {period} has not ended yet: its statement exists from {period.end.isoformat()}",
                       {"period": str(period), "ends_at": period.end.isoformat()})
    run = find_by_period(uow, period)
    pool = run.pool_cents if run is not None else pool_of(uow, period)
    values = values_of(uow, period)
    by_artist, total = values.by_artist(), values.platform_total
    contribution = by_artist.get(shown, 0.0)
    amount = formula.split_pool(pool, by_artist, set()).get(shown, 0) if by_artist else 0
    mine = [track for track in values.tracks if shown in track.owners]
    return {"period": str(period), "artist_id": shown, "pool": _money(pool), "platform_total": total,
            "contribution": contribution, "share": contribution / total if total else 0.0,
            "amount": _money(amount), "tracks": [_track_view(track) for track in mine],
            "user_centric": _user_centric(uow, period, shown)}


def _money(cents: int) -> dict:
    return {"amount_cents": int(cents), "currency": POOL_CURRENCY}


def _track_view(track: TrackValue) -> dict:
    return {"track_id": track.track_id, "title": track.name, "plays": track.plays,
            "months_since_upload": track.months, "age_factor": track.age_factor,
            "popularity_factor": track.popularity_factor, "producer_count": track.producer_count,
            "value": track.part}


def _user_centric(uow: UnitOfWork, period: Period, artist_id: str) -> dict:
    """Fees and plays grouped in SQL (per subscriber and page), the split in formula.user_centric."""
    session = uow.session
    paid_in = and_(Revenue.paid_at >= period.start, Revenue.paid_at < period.end, Revenue.currency == POOL_CURRENCY,
                   Revenue.user_id.is_not(None))
    fees = {user: int(cents) for user, cents in session.execute(
        select(Revenue.user_id, func.sum(Revenue.amount_cents)).where(paid_in).group_by(Revenue.user_id))}
    plays: dict[str, dict[str, float]] = {}
    if fees:
        rows = session.execute(
            select(Play.listener_user_id, TrackArtist.artist_id, Track.producer_count, func.count())
            .join(Track, Track.track_id == Play.track_id).join(TrackArtist, TrackArtist.track_id == Track.track_id)
            .where(Play.played_at >= period.start, Play.played_at < period.end, eligible(period),
                   Play.listener_user_id.in_(select(Revenue.user_id).where(paid_in)))
            .group_by(Play.listener_user_id, TrackArtist.artist_id, Track.producer_count))
        for listener, artist, producer_count, count in rows:
            # a collaborative track's play is shared between its pages, as its value is
            played = plays.setdefault(listener, {})
            played[artist] = played.get(artist, 0.0) + count / max(1, producer_count)
    amounts = formula.user_centric(fees, plays)
    subscribers = sum(1 for listener, played in plays.items() if played.get(artist_id) and fees.get(listener))
    return {"amount": _money(round(amounts.get(artist_id, 0.0))), "subscribers": subscribers}
