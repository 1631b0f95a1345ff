"""The producer's Backstage, the catalog's part (docs/catalog-areas.md "Backstage"): whose page a Backstage
call reads (``backstage_page``: the producer role from accounts, then the caller's page or the one they name)
and the page's collections with their statistics. The beats list with growth lives in the plays area
(services/catalog/plays/backstage.py): growth is counted from its plays."""
from __future__ import annotations

from typing import Any, Callable, Protocol, TypedDict

from nameko.exceptions import RemoteError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.shared.queries import newest_first
from services.catalog.tracks.models import PUBLISHED, Artist, Collection, Track
from services.catalog.tracks import repository
from services.catalog.tracks.schemas import COLLECTIONS, BackstageQuery
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.contracts.errors import ERRORS_BY_NAME, NotFound

PRODUCER = "producer"


class Roles(Protocol):
    def require(self, actor_id: str, role: str) -> None:
        """accounts' ``verify_actor`` with a role: ``Forbidden`` when not held, ``Unauthorized`` when gone."""


class RemoteRoles:
    """``Roles`` over RPC: accounts' refusals come back as the same contract errors."""

    def __init__(self, accounts):
        self.accounts = accounts

    def require(self, actor_id: str, role: str) -> None:
        _remote(lambda: self.accounts.verify_actor(actor_id=actor_id, role=role))


def _remote(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except RemoteError as exc:
        error = ERRORS_BY_NAME.get(exc.exc_type or "")
        if error is None:
            raise
        raise error(str(exc.value)) from None


def backstage_page(session: Session, roles: Roles, actor_id: str, artist_id: str | None) -> Artist:
    """The page a Backstage call reads: ``Forbidden`` unless the caller holds the producer role (asked of
    accounts: a listener has no page, and must hear 403, not 404); then the named page when the caller
    owns it, else the caller's default (the one they have had longest). A page the caller does not own is
    NotFound, as if it did not exist."""
    roles.require(actor_id, PRODUCER)
    page = repository.managed_artist(session, actor_id, artist_id)
    if page is None:
        raise NotFound(repository.NO_ARTIST_PROFILE, {"user_id": str(actor_id)})
    return page


# --- collections -------------------------------------------------------------------------------------

class CollectionStats(TypedDict):
    id: str
    name: str
    tracks: int
    published_tracks: int
    plays: int
    likes: int
    created_at: str


def producer_collections(uow: UnitOfWork, roles: Roles, actor_id: str, query: BackstageQuery) -> dict[str, Any]:
    """The page's collections newest first (``q``: the name contains it, case-insensitively), each with its
    tracks in every status, its published ones, the counted plays of its tracks and the likes of the
    collection itself (community keeps ``like_count``)."""
    session = uow.session
    page = backstage_page(session, roles, actor_id, query.artist_id)
    conditions = [Collection.artist_id == page.id]
    if query.q:
        conditions.append(func.lower(Collection.name).contains(query.q.lower(), autoescape=True))
    total = session.scalar(select(func.count()).select_from(Collection).where(*conditions)) or 0
    listed = newest_first(session, select(Collection).where(*conditions), Collection.created_at, Collection.id,
                          query.page, COLLECTIONS, total, lambda rows: _with_stats(session, rows))
    return {"artist_id": page.id, **listed}


def _with_stats(session: Session, rows: list[Collection]) -> list[CollectionStats]:
    """The page's collections with their track statistics, from one grouped query over their tracks."""
    counts = {row.collection_id: row for row in session.execute(
        select(Track.collection_id, func.count().label("tracks"),
               func.count().filter(Track.status == PUBLISHED).label("published"),
               func.coalesce(func.sum(Track.play_count), 0).label("plays"))
        .where(Track.collection_id.in_([row.id for row in rows])).group_by(Track.collection_id))} if rows else {}
    return [_stats(row, counts.get(row.id)) for row in rows]


def _stats(row: Collection, counts: Any) -> CollectionStats:
    return CollectionStats(id=row.id, name=row.name, tracks=counts.tracks if counts else 0,
                           published_tracks=counts.published if counts else 0,
                           plays=int(counts.plays) if counts else 0, likes=row.like_count or 0,
                           created_at=iso(row.created_at))
