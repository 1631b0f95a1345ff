"""Recent answers: kept for the TTL, asked again after it, never kept when asking fails, bounded in size."""
from __future__ import annotations

import pytest

from services.licensing.recent import RecentAnswers


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counting(value):
    calls = []

    def ask():
        calls.append(1)
        return value

    return ask, calls


def test_an_answer_is_reused_within_the_ttl_and_asked_again_after_it():
    clock = Clock()
    recent = RecentAnswers(5.0, clock)
    ask, calls = counting({"plan": "plus"})
    assert recent.get("u", ask) == {"plan": "plus"} and recent.get("u", ask) == {"plan": "plus"}
    assert len(calls) == 1
    clock.now += 5.0
    recent.get("u", ask)
    assert len(calls) == 2


def test_a_ttl_of_zero_keeps_nothing():
    recent = RecentAnswers(0.0, Clock())
    ask, calls = counting(1)
    recent.get("k", ask)
    recent.get("k", ask)
    assert len(calls) == 2 and recent.peek("k") is None


def test_a_refusal_is_not_kept():
    recent = RecentAnswers(5.0, Clock())

    def refuse():
        raise LookupError("gone")

    with pytest.raises(LookupError):
        recent.get("k", refuse)
    assert recent.peek("k") is None


def test_the_oldest_half_goes_when_full():
    recent = RecentAnswers(5.0, Clock(), max_entries=4)
    for key in "abcd":
        recent.put(key, key)
    recent.put("e", "e")
    assert [recent.peek(k) for k in "abcde"] == [None, None, "c", "d", "e"]
