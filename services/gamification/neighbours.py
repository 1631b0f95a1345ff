"""What gamification asks other services, over RPC: accounts (is the caller a producer / an admin) and catalog
(the caller's artist page, the names beside leaderboard rows). Use cases take a ``Neighbours``; tests give them
a stand-in."""
from __future__ import annotations

from typing import Any, Callable, Protocol

from nameko.exceptions import RemoteError

from services.contracts.errors import ERRORS_BY_NAME

PRODUCER, ADMIN = "producer", "admin"
#: catalog's artist_summaries takes at most this many ids a call
SUMMARIES_MAX = 200


class Neighbours(Protocol):
    def verify_role(self, actor_id: str, role: str) -> None:
        """accounts' ``verify_actor`` with a role: ``Forbidden`` when not held, ``Unauthorized`` when gone."""

    def my_artist(self, actor_id: str) -> dict[str, Any]:
        """catalog's ``get_my_artist``; ``NotFound`` ("no artist profile")."""

    def artist_summaries(self, artist_ids: list[str]) -> dict[str, dict[str, Any]]:
        """catalog's ``artist_summaries``: ``{artist_id: {id, name, verified}}``, unknown ids left out."""


class RemoteNeighbours:
    """``Neighbours`` over nameko's RPC proxies: their refusals come back as the same contract errors."""

    def __init__(self, accounts, catalog):
        self.accounts, self.catalog = accounts, catalog

    def verify_role(self, actor_id: str, role: str) -> None:
        _remote(lambda: self.accounts.verify_actor(actor_id=actor_id, role=role))

    def my_artist(self, actor_id: str) -> dict[str, Any]:
        return _remote(lambda: self.catalog.get_my_artist(actor_id=actor_id))

    def artist_summaries(self, artist_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not artist_ids:
            return {}
        return _remote(lambda: self.catalog.artist_summaries(artist_ids=artist_ids[:SUMMARIES_MAX]))


def _remote(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except RemoteError as exc:
        error = ERRORS_BY_NAME.get(exc.exc_type or "")
        if error is None:
            raise
        raise error(str(exc.value)) from None
