"""Exclusive sales as licensing reports them: ``exclusive_sold`` marks the track's exclusive Sold,
``exclusive_refunded`` makes it Available again. The producer cannot do either (tracks.update_track).

The two events travel on separate queues and may arrive in either order or twice: the track keeps the
last sale it heard of (``Track.exclusive_sale``) and ``rules.after_sold`` / ``rules.after_refunded``
decide whether an event still changes anything. A Sold track stays public and streamable.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from services.catalog.tracks import repository, rules
from services.catalog.tracks.models import Track
from services.common.db import UnitOfWork

log = logging.getLogger(__name__)


def on_exclusive_sold(uow: UnitOfWork, event: dict[str, Any]) -> None:
    row = _track(uow, event, "exclusive_sold")
    if row is not None:
        before = _sale(row)
        _apply(row, before, rules.after_sold(before, str(event["license_id"]), _moment(event["sold_at"])))


def on_exclusive_refunded(uow: UnitOfWork, event: dict[str, Any]) -> None:
    row = _track(uow, event, "exclusive_refunded")
    if row is not None:
        before = _sale(row)
        _apply(row, before, rules.after_refunded(before, str(event["license_id"]), _moment(event["refunded_at"])))


def _track(uow: UnitOfWork, event: dict[str, Any], name: str) -> Track | None:
    row = repository.find_track(uow.session, event["track_id"], lock=True)
    if row is None:
        # deleted meanwhile (or never ours): nothing to mark; licensing keeps the sale
        log.info("%s for unknown track %s ignored", name, event["track_id"])
    return row


def _apply(row: Track, before: rules.Sale | None, after: rules.Sale | None) -> None:
    if after is None:
        return  # a redelivery, or older than what the track already knows
    row.exclusive_sale = {"license_id": after.license_id, "sold_at": _iso(after.sold_at),
                          "refunded_at": _iso(after.refunded_at)}
    if row.exclusive is None:
        log.warning("exclusive sale event for track %s, which has no exclusive terms: sale recorded only", row.id)
        return
    status = rules.status_after(row.exclusive["status"], before, after)
    if status != row.exclusive["status"]:
        row.exclusive = {**row.exclusive, "status": status}  # a new dict: JSON columns see reassignment only


def _sale(row: Track) -> rules.Sale | None:
    record = row.exclusive_sale
    if not record:
        return None
    return rules.Sale(record["license_id"], _moment(record["sold_at"]), _moment(record["refunded_at"]))


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
