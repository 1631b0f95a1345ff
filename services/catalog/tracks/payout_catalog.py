"""``payout_tracks``: the catalog as the payouts service copies it at the start of a pool split run
(docs/payouts.md). Every track that was ever published — withdrawn ones too, since their plays of a past
period still earn — oldest first by (``published_at``, ``id``), each with its credited artist pages and the
account that manages each page now, and the exclusive sale that took it off the market, if any.

A page costs two queries whatever its size (the tracks, then the owners of every page they credit) plus the
count: never one query per track."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from services.catalog.tracks.models import PUBLISHED, WITHDRAWN, Artist, Track
from services.catalog.tracks.views import PayoutTrackView
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import keyset_page

KIND = "payout_tracks"
COLUMNS = (Track.id, Track.name, Track.artist_id, Track.collaborators, Track.licensing_model, Track.published_at,
           Track.exclusive_sale)


def payout_tracks(uow: UnitOfWork, page: PageRequest) -> Envelope:
    session = uow.session
    keys = (Track.published_at, Track.id)
    rows = session.execute(keyset_page(_published(select(*COLUMNS)), keys, page, descending=False)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.published_at, row.id)))
    owners = _owners(session, {artist_id for row in kept for artist_id in _credited(row)})
    total = session.scalar(_published(select(func.count()).select_from(Track))) or 0
    return envelope(KIND, [_view(row, owners) for row in kept], total, next_position)


def _published(statement: Select) -> Select:
    # published_at is set once, at publication, and kept when a track is withdrawn (erasure.py)
    return statement.where(Track.status.in_((PUBLISHED, WITHDRAWN)), Track.published_at.is_not(None))


def _credited(row: Any) -> list[str]:
    """The uploader's page first, then the collaborators', each once."""
    return list(dict.fromkeys([row.artist_id, *(row.collaborators or [])]))


def _owners(session, artist_ids: set[str]) -> dict[str, str | None]:
    if not artist_ids:
        return {}
    return dict(session.execute(select(Artist.id, Artist.user_id).where(Artist.id.in_(artist_ids))).tuples().all())


def _view(row: Any, owners: dict[str, str | None]) -> PayoutTrackView:
    credited = _credited(row)
    return PayoutTrackView(
        track_id=row.id, name=row.name, artist_id=row.artist_id, collaborator_artist_ids=credited[1:],
        # a page deleted since it was credited has no account: its share is unclaimed
        owners={artist_id: owners.get(artist_id) for artist_id in credited},
        licensing_model=row.licensing_model, published_at=iso(row.published_at), sold_at=sold_at(row.exclusive_sale))


def sold_at(sale: dict[str, Any] | None) -> str | None:
    """When the track's exclusive was sold, or None: never sold, or the sale was refunded (the exclusive is
    available again, so the track earns as before). ``sales.py`` stores the last sale licensing reported."""
    if not sale or sale.get("refunded_at") is not None:
        return None
    return iso(datetime.fromisoformat(sale["sold_at"]))

