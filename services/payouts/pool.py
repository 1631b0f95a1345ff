"""A period's pool and its values, set-based: each track's plays in the period are read from ``play_counts``
(kept as plays arrive, services/payouts/counts.py), then each *track* (never each play) gets its value from
formula.py, and the parts add up per artist page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.payouts import formula
from services.payouts.counts import of_period as counts_of
from services.payouts.models import Refund, Revenue, Track, TrackArtist
from services.payouts.periods import Period
from services.payouts.rules import POOL_CURRENCY, RefundFact, counted_refunds, pool_cents

EXCLUSIVE_ONLY = "exclusive_only"


@dataclass(slots=True)
class TrackValue:
    """One eligible track's figures (100,000 of them in a run: a plain slotted object, built once)."""
    track_id: str
    name: str | None
    plays: int
    months: float
    age_factor: float
    popularity_factor: float
    producer_count: int
    value: float  # the whole track's, before dividing among its pages
    owners: dict[str, str | None]  # credited page → its account (None: unclaimed)

    @property
    def part(self) -> float:
        return self.value / self.producer_count


@dataclass
class Values:
    tracks: list[TrackValue] = field(default_factory=list)

    @property
    def platform_total(self) -> float:
        return sum(track.value for track in self.tracks)

    def by_artist(self) -> dict[str, float]:
        values: dict[str, float] = {}
        for track in self.tracks:
            for artist in track.owners:
                values[artist] = values.get(artist, 0.0) + track.part
        return values

    def owners(self) -> dict[str, str | None]:
        owners: dict[str, str | None] = {}
        for track in self.tracks:
            for artist, owner in track.owners.items():
                owners[artist] = owner if owner is not None else owners.get(artist)
        return owners


def pool_of(uow: UnitOfWork, period: Period) -> int:
    """The period's base revenue in the pool currency minus its refunds (each capped at its invoice's base)."""
    session = uow.session
    in_period = lambda column: and_(column >= period.start, column < period.end)  # noqa: E731
    revenue = session.scalar(select(func.coalesce(func.sum(Revenue.amount_cents), 0))
                             .where(in_period(Revenue.paid_at), Revenue.currency == POOL_CURRENCY)) or 0
    refunds = session.scalars(select(Refund).where(in_period(Refund.refunded_at),
                                                   Refund.currency == POOL_CURRENCY)).all()
    if not refunds:
        return pool_cents(int(revenue), 0)
    invoices = {refund.invoice_id for refund in refunds if refund.invoice_id}
    base = dict(session.execute(select(Revenue.invoice_id, Revenue.amount_cents)
                                .where(Revenue.invoice_id.in_(invoices))).all()) if invoices else {}
    history = session.scalars(select(Refund).where(Refund.invoice_id.in_(invoices))).all() if invoices else []
    facts = {refund.id: RefundFact(refund.id, refund.invoice_id, refund.amount_cents, as_utc(refund.refunded_at))
             for refund in [*refunds, *history]}
    return pool_cents(int(revenue), counted_refunds(base, facts.values(), {refund.id for refund in refunds}))


def eligible(period: Period):
    """Published before the period ends, not Exclusive-Only, not deleted nor sold before it starts."""
    return and_(Track.published_at.is_not(None), Track.published_at < period.end,
                Track.licensing_model.is_distinct_from(EXCLUSIVE_ONLY),
                or_(Track.deleted_at.is_(None), Track.deleted_at >= period.start),
                or_(Track.sold_at.is_(None), Track.sold_at >= period.start))


def values_of(uow: UnitOfWork, period: Period) -> Values:
    """Every eligible track with a known credited page, valued: one query (a row per credited page, ordered by
    track so each track's rows come together), then one pass in Python over the rows."""
    counts = counts_of(period)
    rows = uow.session.execute(
        select(Track.track_id, Track.name, Track.published_at, func.coalesce(counts.c.plays, 0),
               TrackArtist.artist_id, TrackArtist.owner_user_id)
        .join(TrackArtist, TrackArtist.track_id == Track.track_id)
        .outerjoin(counts, counts.c.track_id == Track.track_id)
        .where(eligible(period)).order_by(Track.track_id, TrackArtist.artist_id))
    end, values = period.end, Values()
    current, owners = None, {}
    for track_id, name, published_at, plays, artist_id, owner in rows:
        if track_id != current:
            # a track whose pages payouts does not know yet has no rows here: it earns from the next refresh
            current, owners = track_id, {}
            values.tracks.append(_value(track_id, name, as_utc(published_at), end, int(plays), owners))
        owners[artist_id] = owner
    for track in values.tracks:
        track.producer_count = len(track.owners)
    return values


def _value(track_id: str, name: str | None, published_at: datetime, end: datetime, plays: int,
           owners: dict[str, str | None]) -> TrackValue:
    """The track's figures; its pages are added to ``owners`` after (the caller sets the count then)."""
    months = max(0.0, formula.months_between(published_at, end))
    age, popularity = formula.age_factor(months), formula.popularity_factor(plays)
    return TrackValue(track_id, name, plays, months, age, popularity, 0, age * popularity, owners)
