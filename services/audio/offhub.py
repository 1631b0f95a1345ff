"""Running CPU-heavy work off the eventlet hub.

Decoding, loudness, encoding and fingerprinting take seconds of C and numpy code. Run on the hub
they would freeze every green thread of the process — AMQP heartbeats included, so the broker
would drop the connection and redeliver the message mid-file. ``eventlet.tpool`` runs them in a
real OS thread while the hub keeps serving.

``AUDIO_CONCURRENCY`` (default 2) caps how many files one process works on at once: each costs a
core and a decoded copy of the audio in memory. nameko still prefetches ``MAX_WORKERS`` messages
per process (its prefetch count is the worker pool size); those wait, unacked, on the semaphore
and go back to the queue for another replica if this process dies. Run audio replicas with a small
``MAX_WORKERS`` (e.g. ``AUDIO_CONCURRENCY`` + 2) so waiting messages stay available to other
replicas instead of queueing behind a busy one.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import eventlet.patcher
import eventlet.semaphore
import eventlet.tpool

from services.common import config

T = TypeVar("T")

_heavy_slots: eventlet.semaphore.Semaphore | None = None


def concurrency() -> int:
    return max(1, config.env_int("AUDIO_CONCURRENCY", 2))


def _slots() -> eventlet.semaphore.Semaphore:
    global _heavy_slots
    if _heavy_slots is None:
        _heavy_slots = eventlet.semaphore.Semaphore(concurrency())
    return _heavy_slots


def run(fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in an OS thread when eventlet patched this process, else inline."""
    if eventlet.patcher.is_monkey_patched("thread"):
        return eventlet.tpool.execute(fn, *args)
    return fn(*args)


def run_heavy(fn: Callable[..., T], *args) -> T:
    """As ``run``, holding one of the process's ``AUDIO_CONCURRENCY`` slots meanwhile."""
    with _slots():
        return run(fn, *args)
