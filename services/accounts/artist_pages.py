"""Accounts' copy of the catalog's artist pages: what a "Claim Existing Artist" application is checked
against (docs/business-rules.md "Producer Program").

Catalog owns artist pages; accounts calls no other service (docs/architecture.md), so it keeps this copy
from ``artist_page_changed``. Each event carries a page's whole claim state, and the newest one wins:
a redelivery or a retried older event leaves the copy as it is. Pages that existed before this copy
reach it through ``python -m services.catalog.cli publish-artist-pages`` (the same event, for every page).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select

from services.accounts.models import ArtistPage
from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.common.persistence import parse_id

AVAILABLE = "available"
CLAIMED = "claimed"


def on_artist_page_changed(uow: UnitOfWork, event: dict[str, Any]) -> None:
    """Store the page's state unless the copy already holds a newer one. Two events for one new page
    handled at once both insert: the second fails on the primary key and is retried, then compared."""
    artist_id, as_of = str(event["artist_id"]), _moment(event["occurred_at"])
    claimed = event.get("user_id") is not None
    row = uow.session.scalars(select(ArtistPage).where(ArtistPage.artist_id == artist_id).with_for_update()).first()
    if row is None:
        uow.session.add(ArtistPage(artist_id=artist_id, claimed=claimed, as_of=as_of))
    elif as_utc(row.as_of) < as_of:
        row.claimed, row.as_of = claimed, as_of


def _moment(value: str | datetime) -> datetime:
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def claim_status(uow: UnitOfWork, artist_id: str) -> str | None:
    """"available", "claimed", or None when the catalog has (as far as accounts knows) no such page."""
    canonical = parse_id(artist_id)
    if canonical is None:
        return None
    row = uow.session.get(ArtistPage, canonical)
    if row is None:
        return None
    return CLAIMED if row.claimed else AVAILABLE


def status_reader(uow: UnitOfWork) -> Callable[[str], "str | None"]:
    """``claim_status`` bound to a unit of work: the ``ArtistStatus`` the Producer Program asks."""
    return lambda artist_id: claim_status(uow, artist_id)
