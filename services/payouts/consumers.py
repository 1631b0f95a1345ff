"""The events payouts keeps facts from. Each accepts users and tracks it never saw (the facts wait in the
queues from before the service existed), and each is idempotent twice over: the entrypoint records the event id,
and every row has a unique key from its source, so a replay under another id writes nothing either."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.common.sql import insert_ignoring_duplicates
from services.contracts.events import EARNINGS_CREDITED
from services.payouts import ledger
from services.payouts.counts import count_play
from services.payouts.models import (EXCLUSIVE_SALE, SALE_REFUND, ConnectAccount, LedgerEntry, Play, Refund, Revenue,
                                     Split, Track)
from services.payouts.periods import period_of
from services.payouts.tracks import replace_artists


def _when(value: Any, fallback: Any) -> datetime:
    """A payload timestamp (a string on the wire), or the event's ``occurred_at`` when it has none."""
    chosen = value if value is not None else fallback
    if isinstance(chosen, str):
        chosen = datetime.fromisoformat(chosen.replace("Z", "+00:00"))
    return as_utc(chosen)


def _insert_ignore(uow: UnitOfWork, model, values: dict[str, Any]) -> None:
    """A replayed fact leaves the first row as it was."""
    insert_ignoring_duplicates(uow.session, model, values)


def subscription_paid(uow: UnitOfWork, event: dict) -> None:
    _insert_ignore(uow, Revenue, {
        "invoice_id": event["invoice_id"], "user_id": str(event["user_id"]), "amount_cents": event["amount_cents"],
        "currency": event["currency"].upper(), "paid_at": _when(event.get("paid_at"), event["occurred_at"])})


def subscription_refunded(uow: UnitOfWork, event: dict) -> None:
    _insert_ignore(uow, Refund, {
        "source_event_id": str(event["event_id"]), "charge_id": event["charge_id"],
        "invoice_id": event.get("invoice_id"), "user_id": str(event["user_id"]),
        "amount_cents": event["amount_cents"], "currency": event["currency"].upper(),
        "refunded_at": _when(event.get("refunded_at"), event["occurred_at"])})


def play_recorded(uow: UnitOfWork, event: dict) -> None:
    """The play's row (the statement's user-centric side reads it) and, only if it is new, its track's count."""
    track_id, played_at = str(event["track_id"]), _when(event["played_at"], None)
    if insert_ignoring_duplicates(uow.session, Play, {
            "play_id": str(event["play_id"]), "track_id": track_id,
            "listener_user_id": str(event["listener_user_id"]), "played_at": played_at}):
        count_play(uow.session, period_of(played_at), track_id)


def track_published(uow: UnitOfWork, event: dict) -> None:
    track_id = str(event["track_id"])
    track = uow.session.get(Track, track_id, with_for_update=True)
    if track is None:
        track = Track(track_id=track_id)
        uow.session.add(track)
    artists = [str(event["artist_id"]), *(str(a) for a in event["collaborator_artist_ids"])]
    published_at = _when(event["published_at"], None)
    track.artist_id, track.licensing_model = artists[0], event["licensing_model"]
    track.published_at = published_at if track.published_at is None else min(as_utc(track.published_at),
                                                                              published_at)
    # the uploader manages the main page; collaborators' accounts are learnt from catalog when a run starts
    replace_artists(uow, track, {artists[0]: str(event["producer_user_id"]),
                                 **{artist: None for artist in artists[1:]}}, keep_known_owners=True)


def track_deleted(uow: UnitOfWork, event: dict) -> None:
    track_id = str(event["track_id"])
    track = uow.session.get(Track, track_id, with_for_update=True)
    if track is None:
        track = Track(track_id=track_id)
        uow.session.add(track)
    # its plays and their counts stay: eligibility (pool.eligible) reads deleted_at, so the periods before the
    # deletion still pay for the track and the later ones do not
    if track.deleted_at is None:
        track.deleted_at = _when(None, event["occurred_at"])


def exclusive_sold(uow: UnitOfWork, event: dict) -> None:
    """The uploader earns the full price, in its currency (not split among collaborators)."""
    user_id, license_id = str(event["producer_user_id"]), str(event["license_id"])
    when = _when(event["sold_at"], None)
    credit = ledger.append(uow, ledger.entry(EXCLUSIVE_SALE, user_id, event["price_cents"], event["currency"], when,
                                             artist_id=str(event["artist_id"]), license_id=license_id,
                                             stripe_id=event["stripe_payment_intent_id"]))
    # a refund that arrived before its sale was written without an account: it is the same uploader's
    uow.session.execute(update(LedgerEntry).where(LedgerEntry.license_id == license_id,
                                                  LedgerEntry.kind == SALE_REFUND, LedgerEntry.user_id.is_(None))
                        .values(user_id=user_id))
    track = uow.session.get(Track, str(event["track_id"]), with_for_update=True)
    if track is not None and track.sold_at is None:
        track.sold_at = when
    if credit is not None:
        uow.emit(EARNINGS_CREDITED, {
            "entry_id": credit.id, "user_id": user_id, "artist_id": credit.artist_id, "source": EXCLUSIVE_SALE,
            "amount_cents": credit.amount_cents, "currency": credit.currency, "run_id": None, "period": None,
            "license_id": license_id, "credited_at": when.isoformat()})


def exclusive_refunded(uow: UnitOfWork, event: dict) -> None:
    """Debit the sale's credit back, even after it was transferred: the debit is netted from later transfers."""
    license_id = str(event["license_id"])
    sale = uow.session.scalars(select(LedgerEntry).where(LedgerEntry.license_id == license_id,
                                                         LedgerEntry.kind == EXCLUSIVE_SALE)).first()
    amount = sale.amount_cents if sale is not None else event["price_cents"]
    ledger.append(uow, ledger.entry(SALE_REFUND, sale.user_id if sale is not None else None, -amount,
                                    sale.currency if sale is not None else event["currency"],
                                    _when(event["refunded_at"], None), artist_id=str(event["artist_id"]),
                                    license_id=license_id))
    track = uow.session.get(Track, str(event["track_id"]), with_for_update=True)
    if track is not None:
        track.sold_at = None  # Available again: it can earn from the pool from the next period


def user_deleted(uow: UnitOfWork, event: dict) -> None:
    """Forget the person, keep the books: their ledger entries, splits and revenue stay (Stripe's transfers and
    the pools must still add up) without their id; their Connect account is detached, so nothing more is sent.
    A positive balance left is not paid (docs/payouts.md "Deleted accounts")."""
    user_id = str(event["user_id"])
    session = uow.session
    session.execute(update(LedgerEntry).where(LedgerEntry.user_id == user_id).values(user_id=None))
    session.execute(update(Split).where(Split.user_id == user_id).values(user_id=None))
    session.execute(update(ConnectAccount).where(ConnectAccount.user_id == user_id)
                    .values(user_id=None, stripe_figures=None, fetched_at=None))
    session.execute(update(Revenue).where(Revenue.user_id == user_id).values(user_id=None))
    session.execute(update(Refund).where(Refund.user_id == user_id).values(user_id=None))
    # their plays still count for the tracks they played (play_counts has no listener); only the id goes
    session.execute(update(Play).where(Play.listener_user_id == user_id).values(listener_user_id=None))
