"""What licensing asks other services, over RPC: a track's licensing facts (catalog) and a user's plan and email
(accounts). Use cases take a ``Neighbours``; tests give them a stand-in."""
from __future__ import annotations

from typing import Any, Callable, Protocol

from nameko.exceptions import RemoteError

from services.contracts.errors import ERRORS_BY_NAME


class Neighbours(Protocol):
    def facts(self, track_id: str) -> dict[str, Any]:
        """catalog's ``licensing_facts`` (docs/rpc-catalog.md); ``NotFound`` for an unknown track."""

    def user(self, user_id: str) -> dict[str, Any]:
        """accounts' ``get_user``: ``can_download``, ``subscription_status``, ``email``; ``Unauthorized`` if gone."""

    def user_and_facts(self, user_id: str, track_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Both at once (a download decision needs both); the account's ``Unauthorized`` wins over ``NotFound``."""


class RemoteNeighbours:
    """``Neighbours`` over nameko's RPC proxies: their refusals come back as the same contract errors."""

    def __init__(self, accounts, catalog):
        self.accounts, self.catalog = accounts, catalog

    def facts(self, track_id: str) -> dict[str, Any]:
        return _remote(lambda: self.catalog.licensing_facts(track_id=track_id))

    def user(self, user_id: str) -> dict[str, Any]:
        return _remote(lambda: self.accounts.get_user(actor_id=user_id))

    def user_and_facts(self, user_id: str, track_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        # both requests are in flight together: the decision waits for the slower one, not for their sum
        account = self.accounts.get_user.call_async(actor_id=user_id)
        facts = self.catalog.licensing_facts.call_async(track_id=track_id)
        return _remote(account.result), _remote(facts.result)


def _remote(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return call()
    except RemoteError as exc:
        error = ERRORS_BY_NAME.get(exc.exc_type or "")
        if error is None:
            raise
        raise error(str(exc.value)) from None


class RecentNeighbours:
    """``Neighbours`` whose account and track answers may be a few seconds old (``recent.RecentAnswers``): for
    decisions without side effects only (eligibility)."""

    def __init__(self, neighbours: Neighbours, recent):
        self.neighbours, self.recent = neighbours, recent

    def facts(self, track_id: str) -> dict[str, Any]:
        return self.recent.get(("track", track_id), lambda: self.neighbours.facts(track_id))

    def user(self, user_id: str) -> dict[str, Any]:
        return self.recent.get(("user", user_id), lambda: self.neighbours.user(user_id))

    def user_and_facts(self, user_id: str, track_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        user, facts = self.recent.peek(("user", user_id)), self.recent.peek(("track", track_id))
        if user is None and facts is None:  # ask both at once
            user, facts = self.neighbours.user_and_facts(user_id, track_id)
            self.recent.put(("user", user_id), user)
            self.recent.put(("track", track_id), facts)
        return self.user(user_id) if user is None else user, self.facts(track_id) if facts is None else facts
