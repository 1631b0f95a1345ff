"""Notifications: what catalog tells a user (a matching beat request, a response to theirs, an exclusive
they paid for but could not get, whose payment went back, a payout of a verified producer paid or failed).

Listing them is also reading them: the listed page is marked read in the same transaction, and each
item says whether it had been read before this call.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Iterable, TypedDict

from sqlalchemy import func, select, update

from services.catalog.beat_requests.models import Notification
from services.catalog.beat_requests.schemas import NOTIFICATIONS
from services.catalog.tracks import repository
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.persistence import new_id, parse_id
from services.common.sql import keyset_page

log = logging.getLogger(__name__)

BEAT_REQUEST_MATCH = "beat_request_match"
BEAT_REQUEST_RESPONSE = "beat_request_response"
EXCLUSIVE_PURCHASE_REFUNDED = "exclusive_purchase_refunded"
PAYOUT_UPDATE = "payout_update"
PAID, FAILED = "paid", "failed"


class NotificationView(TypedDict):
    id: str
    kind: str
    payload: dict[str, Any]
    read: bool
    created_at: str


def notify(uow: UnitOfWork, user_ids: Iterable[str], kind: str, payload: dict[str, Any], now: datetime) -> int:
    """One notification per user (in the caller's transaction); returns how many were made."""
    rows = [Notification(user_id=user_id, kind=kind, payload=payload, created_at=now)
            for user_id in dict.fromkeys(user_ids)]
    uow.session.add_all(rows)
    return len(rows)


def notify_one(uow: UnitOfWork, user_id: str, kind: str, payload: dict[str, Any], now: datetime,
               notification_id: str | None = None) -> str:
    """One notification (in the caller's transaction), with the id given or a new one; returns its id."""
    row = Notification(id=notification_id or new_id(), user_id=user_id, kind=kind, payload=payload, created_at=now)
    uow.session.add(row)
    return row.id


def on_exclusive_purchase_refunded(uow: UnitOfWork, event: dict[str, Any], now: datetime) -> None:
    """licensing refunded a buyer whose exclusive could not be granted (docs/licensing.md): tell them, naming
    the track as it is called now."""
    track = repository.find_track(uow.session, event["track_id"])
    if track is None:
        log.info("exclusive_purchase_refunded for unknown track %s ignored", event["track_id"])
        return
    notify(uow, [str(event["buyer_user_id"])], EXCLUSIVE_PURCHASE_REFUNDED, {
        "track_id": track.id, "track_name": track.name, "amount_cents": event["amount_cents"],
        "currency": event["currency"], "reason": event["reason"]}, now)


def on_payout_update(uow: UnitOfWork, event: dict[str, Any], status: str, now: datetime) -> None:
    """payouts paid a producer's split, or Stripe refused its transfer (``payout_paid`` / ``payout_failed``):
    "Payout updates" are for verified producers only (docs/business-rules.md), as catalog knows from
    ``producer_verified``. Once per (run, currency, status): a fact payouts emits again under a new event id
    (redeliveries are dropped before this by the event's id) tells nobody twice."""
    user_id = str(event["user_id"])
    page = repository.artist_of_user(uow.session, user_id)
    if page is None or not page.verified:
        log.info("%s for %s, not a verified producer: no notification", status, user_id)
        return
    payload = {"run_id": str(event["run_id"]), "period": event["period"], "status": status,
               "amount_cents": event["amount_cents"], "currency": event["currency"],
               "reason": event.get("reason") if status == FAILED else None}
    if _told(uow, user_id, payload):
        return
    notify(uow, [user_id], PAYOUT_UPDATE, payload, now)


def _told(uow: UnitOfWork, user_id: str, payload: dict[str, Any]) -> bool:
    # a producer has a few payout notifications a month: the user's index narrows it, JSON matches the rest
    found = uow.session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind == PAYOUT_UPDATE,
        *(Notification.payload[key].as_string() == payload[key] for key in ("run_id", "currency", "status")))
        .limit(1))
    return found is not None


def list_notifications(uow: UnitOfWork, actor_id: str, unread_only: bool, page: PageRequest,
                       now: datetime) -> Envelope:
    """The actor's notifications, newest first; the listed ones become read."""
    session = uow.session
    user_id = parse_id(actor_id) or ""
    conditions = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    query = keyset_page(select(Notification).where(*conditions), (Notification.created_at, Notification.id), page)
    # locked: two concurrent reads of one inbox agree on what was unread before
    rows = session.scalars(query.with_for_update()).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.id)))
    total = session.scalar(select(func.count()).select_from(Notification).where(*conditions)) or 0
    items = [_view(row) for row in kept]
    unread_ids = [row.id for row in kept if row.read_at is None]
    if unread_ids:
        session.execute(update(Notification).where(Notification.id.in_(unread_ids)).values(read_at=now))
    return envelope(NOTIFICATIONS, items, total, next_position)


def count_unread(uow: UnitOfWork, actor_id: str) -> int:
    """How many of the actor's notifications are unread; reading the count marks nothing read."""
    user_id = parse_id(actor_id) or ""
    return uow.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def _view(row: Notification) -> NotificationView:
    return NotificationView(id=row.id, kind=row.kind, payload=dict(row.payload or {}), read=row.read_at is not None,
                            created_at=iso(row.created_at))
