"""Stripe's webhook events the gateway routes to licensing (signature already checked there): a completed
``payment``-mode checkout and a refunded exclusive's charge. Each event id is handled once: it is recorded in
the transaction of its effect, and a concurrent duplicate fails on that primary key."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy.exc import IntegrityError

from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.validation import flatten
from services.contracts.errors import BadRequest
from services.licensing import exclusive
from services.licensing.models import ProcessedStripeEvent
from services.licensing.neighbours import Neighbours
from services.licensing.payments import StripePayments

log = logging.getLogger(__name__)

PROCESSED, DUPLICATE, IGNORED = "processed", "duplicate", "ignored"
CHECKOUT_COMPLETED, CHARGE_REFUNDED = "checkout.session.completed", "charge.refunded"


class EventData(Schema):
    class Meta:
        unknown = EXCLUDE

    object = fields.Dict(required=True)


class StripeEvent(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    type = fields.String(required=True, validate=validate.OneOf((CHECKOUT_COMPLETED, CHARGE_REFUNDED)))
    created = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    data = fields.Nested(EventData, required=True)


STRIPE_EVENT = StripeEvent()


def load_event(raw: Any) -> dict[str, Any]:
    try:
        return STRIPE_EVENT.load(raw)
    except ValidationError as exc:
        raise BadRequest("not a Stripe event licensing handles: the gateway routes only payment-mode "
                         "checkout.session.completed and exclusive charge.refunded here",
                         flatten(exc.messages, "event")) from None


def handle(uow: UnitOfWork, neighbours: Neighbours, payments: StripePayments | None, media: MediaStore,
           raw_event: Any, now: datetime) -> dict:
    """Apply one event; ``{"status": processed | duplicate | ignored, "event_id", "type"}``."""
    event = load_event(raw_event)
    if not _claim(uow, event):
        return _result(event, DUPLICATE)
    obj = event["data"]["object"]
    if event["type"] == CHECKOUT_COMPLETED:
        ignored = exclusive.checkout_completed(uow, neighbours, payments, obj, now)
    else:
        ignored = exclusive.charge_refunded(uow, media, obj, now)
    if ignored is not None:
        log.info("Stripe event %s (%s) ignored: %s", event["id"], event["type"], ignored)
        return _result(event, IGNORED)
    return _result(event, PROCESSED)


def _result(event: dict[str, Any], status: str) -> dict:
    return {"status": status, "event_id": event["id"], "type": event["type"]}


def _claim(uow: UnitOfWork, event: dict[str, Any]) -> bool:
    """Record the event id; False if it was handled before (or is being handled right now by a twin)."""
    session = uow.session
    if session.get(ProcessedStripeEvent, event["id"]) is not None:
        return False
    session.add(ProcessedStripeEvent(event_id=event["id"], type=event["type"], created=event["created"]))
    try:
        session.flush()  # on PostgreSQL this waits for a concurrent twin and then fails if it committed
    except IntegrityError:
        uow.rollback()
        return False
    return True
