"""What payouts asks other services, over RPC: accounts (is the caller a producer / an admin, their email) and
catalog (the caller's artist pages, the published tracks with their credited pages' accounts). Use cases take a
``Neighbours``; tests give them a stand-in."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Protocol

from nameko.exceptions import RemoteError

from services.contracts.errors import ERRORS_BY_NAME

PRODUCER, ADMIN = "producer", "admin"
#: catalog's page size for payout_tracks (its limit's maximum)
TRACK_PAGE = 100


class Neighbours(Protocol):
    def verify_role(self, actor_id: str, role: str) -> None:
        """accounts' ``verify_actor`` with a role: ``Forbidden`` when not held, ``Unauthorized`` when gone."""

    def user(self, user_id: str) -> dict[str, Any]:
        """accounts' ``get_user`` (``email``)."""

    def my_artists(self, actor_id: str) -> list[dict[str, Any]]:
        """catalog's ``my_artists`` items: every page the account manages, oldest first (none: ``[]``)."""

    def payout_tracks(self) -> Iterator[dict[str, Any]]:
        """Every page of catalog's ``payout_tracks``."""


class RemoteNeighbours:
    """``Neighbours`` over nameko's RPC proxies: their refusals come back as the same contract errors."""

    def __init__(self, accounts, catalog):
        self.accounts, self.catalog = accounts, catalog

    def verify_role(self, actor_id: str, role: str) -> None:
        _remote(lambda: self.accounts.verify_actor(actor_id=actor_id, role=role))

    def user(self, user_id: str) -> dict[str, Any]:
        return _remote(lambda: self.accounts.get_user(actor_id=user_id))

    def my_artists(self, actor_id: str) -> list[dict[str, Any]]:
        return _remote(lambda: self.catalog.my_artists(actor_id=actor_id))["items"]

    def payout_tracks(self) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            page = _remote(lambda: self.catalog.payout_tracks(cursor=cursor, limit=TRACK_PAGE))
            yield from page["items"]
            cursor = page.get("next")
            if not cursor:
                return


def _remote(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except RemoteError as exc:
        error = ERRORS_BY_NAME.get(exc.exc_type or "")
        if error is None:
            raise
        raise error(str(exc.value)) from None
