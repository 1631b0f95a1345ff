"""Stripe's webhook events the gateway routes to payouts (signatures already checked there).

Platform endpoint: ``transfer.created`` (a run's transfer that Stripe made: completes its split if the run has
not recorded it yet) and ``transfer.reversed`` (money taken back from a connected account: owed again, see
docs/payouts.md "Reversals"). Connect endpoint (events carry ``account``): ``account.updated`` (the flags; an
older one never overwrites a newer one), ``payout.paid`` / ``payout.failed`` (the connected account's payouts to
its bank). Each event id is handled once: recorded in the transaction of its effect."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.db import UnitOfWork
from services.common.validation import flatten
from services.contracts.errors import BadRequest
from services.payouts import connect, ledger
from services.payouts.models import (SENDING, TRANSFER_REVERSAL, ConnectAccount, ConnectPayout,
                                     ProcessedStripeEvent, Run, Split)
from services.payouts.runs import complete

log = logging.getLogger(__name__)

PROCESSED, DUPLICATE, IGNORED = "processed", "duplicate", "ignored"
TRANSFER_CREATED, TRANSFER_REVERSED = "transfer.created", "transfer.reversed"
ACCOUNT_UPDATED, PAYOUT_PAID, PAYOUT_FAILED = "account.updated", "payout.paid", "payout.failed"
PLATFORM_TYPES, CONNECT_TYPES = (TRANSFER_CREATED, TRANSFER_REVERSED), (ACCOUNT_UPDATED, PAYOUT_PAID, PAYOUT_FAILED)


class EventData(Schema):
    class Meta:
        unknown = EXCLUDE

    object = fields.Dict(required=True)


def _schema(types: tuple[str, ...], account_required: bool) -> Schema:
    class StripeEvent(Schema):
        class Meta:
            unknown = EXCLUDE

        id = fields.String(required=True, validate=validate.Length(min=1, max=255))
        type = fields.String(required=True, validate=validate.OneOf(types))
        created = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
        account = (fields.String(required=True) if account_required
                   else fields.String(load_default=None, allow_none=True))
        data = fields.Nested(EventData, required=True)

    return StripeEvent()


PLATFORM_EVENT, CONNECT_EVENT = _schema(PLATFORM_TYPES, False), _schema(CONNECT_TYPES, True)


def _load(schema: Schema, raw: Any, what: str) -> dict[str, Any]:
    try:
        return schema.load(raw)
    except ValidationError as exc:
        raise BadRequest(f"not a Stripe event payouts handles: the gateway routes only {what} here",
                         flatten(exc.messages, "event")) from None


def handle_platform(uow: UnitOfWork, raw_event: Any, now: datetime) -> dict:
    event = _load(PLATFORM_EVENT, raw_event, ", ".join(PLATFORM_TYPES))
    if not _claim(uow, event):
        return _result(event, DUPLICATE)
    obj = event["data"]["object"]
    ignored = transfer_created(uow, obj, now) if event["type"] == TRANSFER_CREATED else \
        transfer_reversed(uow, obj, now)
    return _outcome(event, ignored)


def handle_connect(uow: UnitOfWork, raw_event: Any, now: datetime) -> dict:
    event = _load(CONNECT_EVENT, raw_event, ", ".join(CONNECT_TYPES))
    if not _claim(uow, event):
        return _result(event, DUPLICATE)
    obj = event["data"]["object"]
    if event["type"] == ACCOUNT_UPDATED:
        ignored = connect.account_updated(uow, event["account"] or obj.get("id"), obj, event["created"], now)
    else:
        ignored = payout_changed(uow, event["account"], obj, event["created"])
    return _outcome(event, ignored)


def transfer_created(uow: UnitOfWork, obj: dict[str, Any], now: datetime) -> str | None:
    split = _split_of(uow, obj)
    if split is None:
        return "not a transfer of a payout run"
    if split.status != SENDING or obj.get("amount") != split.transfer_cents:
        return "already recorded"
    complete(uow, uow.session.get(Run, split.run_id), split, str(obj["id"]), now)
    return None


def transfer_reversed(uow: UnitOfWork, obj: dict[str, Any], now: datetime) -> str | None:
    split = _split_of(uow, obj)
    if split is None or split.user_id is None:
        return "not a transfer of a payout run"
    run = uow.session.get(Run, split.run_id)
    reversals = ((obj.get("reversals") or {}).get("data") or
                 [{"id": f"{obj['id']}-reversed", "amount": obj.get("amount_reversed") or 0}])
    written = 0
    for reversal in reversals:
        amount = int(reversal.get("amount") or 0)
        if amount > 0 and ledger.append(uow, ledger.entry(
                TRANSFER_REVERSAL, split.user_id, amount, split.currency, now, run_id=run.id, period=run.period,
                stripe_id=str(reversal["id"]))) is not None:
            written += 1
    return None if written else "every reversal is recorded already"


def _split_of(uow: UnitOfWork, obj: dict[str, Any]) -> Split | None:
    split_id = (obj.get("metadata") or {}).get("split_id")
    query = select(Split).with_for_update()
    if split_id:
        split = uow.session.scalars(query.where(Split.id == str(split_id))).first()
        if split is not None:
            return split
    if obj.get("id"):
        return uow.session.scalars(query.where(Split.stripe_transfer_id == str(obj["id"]))).first()
    return None


def payout_changed(uow: UnitOfWork, account_id: str, obj: dict[str, Any], created: int) -> str | None:
    """A connected account's payout to its bank, newest event wins; the account's cached figures go stale."""
    payout_id = obj.get("id")
    if not payout_id:
        return "a payout without an id"
    row = uow.session.get(ConnectPayout, str(payout_id), with_for_update=True)
    if row is not None and created < row.last_event_created:
        return "older than the state already applied"
    if row is None:
        row = ConnectPayout(payout_id=str(payout_id), stripe_account_id=account_id)
        uow.session.add(row)
    row.amount_cents = int(obj.get("amount") or 0)
    row.currency = str(obj.get("currency") or "").upper()[:3]
    row.status = str(obj.get("status") or "")[:20]
    row.failure_code = obj.get("failure_code")
    row.last_event_created = created
    account = uow.session.scalars(select(ConnectAccount)
                                  .where(ConnectAccount.stripe_account_id == account_id)).first()
    if account is not None:
        account.fetched_at = None
    return None


def _outcome(event: dict[str, Any], ignored: str | None) -> dict:
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
        session.flush()
    except IntegrityError:
        uow.rollback()
        return False
    return True
