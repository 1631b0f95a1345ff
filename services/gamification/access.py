"""Whose page a producer method acts on (docs/gamification.md "Access"): the caller must hold the producer role
(``Forbidden``); without ``artist_id`` it is their page as catalog says (``NotFound`` "no artist profile");
with one, it must be a page they manage, or it is ``NotFound`` like a page that does not exist."""
from __future__ import annotations

from typing import Any

from services.common.db import UnitOfWork
from services.common.persistence import parse_id
from services.contracts.errors import Forbidden, NotFound
from services.gamification.models import Artist
from services.gamification.neighbours import ADMIN, PRODUCER, Neighbours

ARTIST_NOT_FOUND = "artist not found"


def producer_page(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id: Any) -> str:
    neighbours.verify_role(actor_id, PRODUCER)
    if artist_id is None:
        return neighbours.my_artist(actor_id)["id"]
    wanted = parse_id(artist_id)
    if wanted is None or not manages(uow, neighbours, actor_id, wanted):
        raise NotFound(ARTIST_NOT_FOUND)
    return wanted


def manages(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id: str) -> bool:
    """From the page copy kept from ``artist_page_changed``, else catalog's word on the caller's page."""
    page = uow.session.get(Artist, artist_id)
    if page is not None and page.user_id == actor_id:
        return True
    try:
        return neighbours.my_artist(actor_id)["id"] == artist_id
    except NotFound:
        return False


def owner_or_admin(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, artist_id: Any) -> str:
    """The Achievements tab: the page's owner or an admin; anyone else (or an unknown page) ``NotFound``."""
    wanted = parse_id(artist_id)
    if wanted is None:
        raise NotFound(ARTIST_NOT_FOUND)
    if manages(uow, neighbours, actor_id, wanted):
        return wanted
    try:
        neighbours.verify_role(actor_id, ADMIN)
    except Forbidden:
        raise NotFound(ARTIST_NOT_FOUND) from None
    if uow.session.get(Artist, wanted) is None and wanted not in neighbours.artist_summaries([wanted]):
        raise NotFound(ARTIST_NOT_FOUND)
    return wanted
