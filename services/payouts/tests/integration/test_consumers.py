"""The events payouts keeps facts from: each about users and tracks it never saw, each idempotent (the same
event twice writes one row), and the pool they make with refunds capped at their invoice's base price."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.payouts import consumers
from services.payouts.models import ConnectAccount, LedgerEntry, Play, Refund, Revenue, Track, TrackArtist
from services.payouts.periods import parse_period
from services.payouts.pool import pool_of, values_of
from services.payouts.tests.integration.conftest import deliver, new_id, paid, utc, wire

pytestmark = pytest.mark.integration


def count(units, model, *where) -> int:
    return units().run(lambda w: w.session.scalar(select(func.count()).select_from(model).where(*where)))


def refund(units, invoice_id: str | None, amount: int, when, user: str | None = None) -> dict:
    event = wire("subscription_refunded", user_id=user or new_id(), invoice_id=invoice_id,
                 charge_id=f"ch_{new_id()[:8]}", amount_cents=amount, currency="CAD", refunded_at=when.isoformat())
    deliver(units, consumers.subscription_refunded, event)
    return event


def test_each_fact_delivered_twice_is_kept_once(units):
    event = wire("subscription_paid", user_id=new_id(), invoice_id="in_twice", plan="plus", amount_cents=999,
                 currency="CAD", period_start=utc(2026, 9, 1).isoformat(), period_end=utc(2026, 10, 1).isoformat(),
                 paid_at=None)
    deliver(units, consumers.subscription_paid, event)
    deliver(units, consumers.subscription_paid, {**event, "event_id": new_id()})  # a replay under another id
    assert count(units, Revenue) == 1
    refunded = refund(units, "in_twice", 100, utc(2026, 9, 2))
    deliver(units, consumers.subscription_refunded, refunded)
    assert count(units, Refund) == 1
    play = wire("play_recorded", play_id=new_id(), track_id=new_id(), listener_user_id=new_id(),
                producer_user_id=new_id(), artist_id=new_id(), collaborator_artist_ids=[], duration_s=30.0,
                position_s=10.0, played_at=utc(2026, 9, 3).isoformat())
    deliver(units, consumers.play_recorded, play)
    deliver(units, consumers.play_recorded, play)
    assert count(units, Play) == 1  # of a track payouts never saw: kept, counted once it is known


def test_a_paid_invoice_without_paid_at_counts_when_the_event_occurred(units):
    event = wire("subscription_paid", user_id=new_id(), invoice_id="in_old", plan="plus", amount_cents=999,
                 currency="CAD", period_start=utc(2026, 8, 1).isoformat(), period_end=utc(2026, 9, 1).isoformat())
    event["occurred_at"] = utc(2026, 9, 15).isoformat()
    deliver(units, consumers.subscription_paid, event)
    assert units().run(lambda w: pool_of(w, parse_period("2026-09"))) == 999


def test_the_pool_counts_each_refund_at_most_at_its_invoice_base_price(units):
    invoice = paid(units, new_id(), 1_000, utc(2026, 8, 20))
    paid(units, new_id(), 3_000, utc(2026, 9, 1))
    refund(units, invoice, 600, utc(2026, 8, 25))  # August's
    refund(units, invoice, 600, utc(2026, 9, 2))  # only 400 of it was left of the invoice
    refund(units, None, 50, utc(2026, 9, 3))  # an invoice payouts never saw: in full
    refund(units, invoice, 10, utc(2026, 10, 1))  # October's
    assert units().run(lambda w: pool_of(w, parse_period("2026-09"))) == 3_000 - 400 - 50
    assert units().run(lambda w: pool_of(w, parse_period("2026-08"))) == 1_000 - 600
    assert units().run(lambda w: pool_of(w, parse_period("2026-10"))) == 0


def test_tracks_published_deleted_and_sold_decide_eligibility(units):
    artist, owner = new_id(), new_id()

    def publish(published_at, model="standard_exclusive"):
        event = wire("track_published", track_id=new_id(), artist_id=artist, producer_user_id=owner,
                     collaborator_artist_ids=[new_id()], licensing_model=model, genres=["trap"],
                     published_at=published_at.isoformat())
        deliver(units, consumers.track_published, event)
        deliver(units, consumers.track_published, event)
        return event["track_id"]

    kept = publish(utc(2026, 8, 1))
    later = publish(utc(2026, 10, 1))
    exclusive_only = publish(utc(2026, 8, 1), "exclusive_only")
    deleted_before = publish(utc(2026, 8, 1))
    deleted_during = publish(utc(2026, 8, 1))
    for track_id, when in ((deleted_before, utc(2026, 8, 31)), (deleted_during, utc(2026, 9, 10))):
        event = wire("track_deleted", track_id=track_id, producer_user_id=owner)
        event["occurred_at"] = when.isoformat()
        deliver(units, consumers.track_deleted, event)
    deliver(units, consumers.track_deleted, wire("track_deleted", track_id=new_id(), producer_user_id=owner))
    values = units().run(lambda w: values_of(w, parse_period("2026-09")))
    assert {t.track_id for t in values.tracks} == {kept, deleted_during}
    assert not {later, exclusive_only} & {t.track_id for t in values.tracks}
    assert count(units, TrackArtist, TrackArtist.track_id == kept) == 2
    assert all(t.producer_count == 2 and t.owners[artist] == owner for t in values.tracks)
    assert count(units, Track) == 6


def test_a_deleted_account_is_forgotten_and_its_books_stay(units):
    user = new_id()
    paid(units, user, 1_000, utc(2026, 9, 1))
    deliver(units, consumers.exclusive_sold, wire(
        "exclusive_sold", license_id=new_id(), track_id=new_id(), artist_id=new_id(), producer_user_id=user,
        buyer_user_id=new_id(), price_cents=5_000, fee_cents=100, currency="USD", stripe_payment_intent_id="pi_x",
        sold_at=utc(2026, 9, 2).isoformat()))
    units().run(lambda w: w.session.add(ConnectAccount(user_id=user, stripe_account_id="acct_gone", country="CA",
                                                       currently_due=[])))
    deliver(units, consumers.user_deleted, wire("user_deleted", user_id=user))
    assert count(units, LedgerEntry, LedgerEntry.user_id == user) == 0
    assert count(units, LedgerEntry) == 1 and count(units, Revenue, Revenue.user_id.is_(None)) == 1
    assert count(units, ConnectAccount, ConnectAccount.user_id.is_(None)) == 1


def test_a_sale_refund_arriving_before_its_sale_is_the_uploaders(units):
    user, licence, artist = new_id(), new_id(), new_id()
    deliver(units, consumers.exclusive_refunded, wire(
        "exclusive_refunded", license_id=licence, track_id=new_id(), artist_id=artist, price_cents=5_000,
        currency="USD", refunded_at=utc(2026, 9, 3).isoformat()))
    deliver(units, consumers.exclusive_sold, wire(
        "exclusive_sold", license_id=licence, track_id=new_id(), artist_id=artist, producer_user_id=user,
        buyer_user_id=new_id(), price_cents=5_000, fee_cents=100, currency="USD", stripe_payment_intent_id="pi_y",
        sold_at=utc(2026, 9, 2).isoformat()))
    kinds = units().run(lambda w: sorted((e.kind, e.amount_cents) for e in w.session.scalars(
        select(LedgerEntry).where(LedgerEntry.user_id == user))))
    assert kinds == [("exclusive_sale", 5_000), ("sale_refund", -5_000)]
