"""The inputs of recent download decisions, kept a few seconds: for the download button's eligibility only.

The web app asks ``download_eligibility`` for every track page a signed-in listener opens, and each answer takes
the caller's account (accounts) and the track's facts (catalog). For ``ELIGIBILITY_CACHE_S`` seconds (default 5;
0 turns it off) this process reuses an account's answer for any track and a track's facts for any caller. A
download never reads them: what issues a licence always asks both services afresh. So a plan change or a sale
reaches the button at most that many seconds late, and nothing is ever granted on an old answer. Refusals
(``NotFound``, ``Unauthorized``) are never kept.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from nameko.extensions import DependencyProvider

from services.common.config import env_float

#: entries kept at most; past it the oldest half is dropped (a burst of distinct callers cannot grow it further)
MAX_ENTRIES = 20_000


class RecentAnswers:
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES):
        self.ttl_s, self.clock, self.max_entries = ttl_s, clock, max_entries
        self._answers: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, ask: Callable[[], Any]) -> Any:
        """The answer kept for ``key`` if younger than the TTL, else ``ask()``'s (kept when it returns)."""
        kept = self.peek(key)
        if kept is not None:
            return kept
        answer = ask()
        self.put(key, answer)
        return answer

    def peek(self, key: Any) -> Any | None:
        kept = self._answers.get(key)
        return kept[1] if kept is not None and kept[0] > self.clock() else None

    def put(self, key: Any, answer: Any) -> None:
        if self.ttl_s <= 0:
            return
        if len(self._answers) >= self.max_entries:
            self._drop_oldest_half()
        self._answers[key] = (self.clock() + self.ttl_s, answer)

    def _drop_oldest_half(self) -> None:
        for key in list(self._answers)[: len(self._answers) // 2]:  # dicts keep insertion order
            del self._answers[key]


class RecentDecisionInputs(DependencyProvider):
    """One ``RecentAnswers`` per service process, shared by its workers."""

    def setup(self) -> None:
        self.answers = RecentAnswers(env_float("ELIGIBILITY_CACHE_S", 5.0))

    def get_dependency(self, worker_ctx) -> RecentAnswers:
        return self.answers
