"""Running CPU-heavy work off the eventlet hub.

Decoding, loudness and encoding take seconds of C and numpy code. Run on the hub they would
freeze every green thread of the process — AMQP heartbeats included, so the broker would drop the
connection and redeliver the message mid-file. ``run`` hands such a step to ``eventlet.tpool``: a
real OS thread, while the hub keeps serving.

The rule for code given to ``run``: it must never touch a green primitive. After monkey patching,
``threading.Lock``, ``time.sleep``, ``os.waitpid``, ``subprocess`` and logging's handler locks are
eventlet's, which belong to the hub of the main thread. An OS thread that waits on one parks
itself on a hub of its own that nothing ever wakes (the releasing side fails with ``greenlet.error:
Cannot switch to a different thread``), so the worker waiting for it hangs forever with its message
unacked. Hence: no logging in that code (log the results on the hub), no subprocesses (``fpcalc``
is waited for on the hub), and locks that libraries create at import time are replaced with real
ones (``_give_soundfile_a_real_lock``).

``AUDIO_CONCURRENCY`` (default 2) caps how many files one process works on at once: each costs a
core and a decoded copy of the audio in memory. nameko still prefetches ``MAX_WORKERS`` messages
per process (its prefetch count is the worker pool size); those wait, unacked, on the semaphore
and go back to the queue for another replica if this process dies. Run audio replicas with a small
``MAX_WORKERS`` (e.g. ``AUDIO_CONCURRENCY`` + 2) so waiting messages stay available to other
replicas instead of queueing behind a busy one.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

import eventlet.patcher
import eventlet.semaphore
import eventlet.tpool
import soundfile

from services.common import config, watchdog

T = TypeVar("T")

_os_threading = eventlet.patcher.original("threading")
_heavy_slots: eventlet.semaphore.Semaphore | None = None


def _give_soundfile_a_real_lock() -> None:
    """soundfile serialises every ``sf_open`` under a class-level ``threading.Lock``. Imported after
    monkey patching, that lock is a green one shared by all our OS threads: two files opened at the
    same moment hung the service. A real lock is safe on both sides (it is held only for the C call,
    which never yields to the hub)."""
    soundfile.SoundFile._sf_error_lock = _os_threading.Lock()


_give_soundfile_a_real_lock()


def concurrency() -> int:
    return max(1, config.env_int("AUDIO_CONCURRENCY", 2))


def _slots() -> eventlet.semaphore.Semaphore:
    global _heavy_slots
    if _heavy_slots is None:
        _heavy_slots = eventlet.semaphore.Semaphore(concurrency())
    return _heavy_slots


def run(fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in an OS thread when eventlet patched this process, else inline. ``fn`` must
    touch no green primitive (see the module's docstring)."""
    if eventlet.patcher.is_monkey_patched("thread"):
        return eventlet.tpool.execute(fn, *args)
    return fn(*args)


@contextmanager
def heavy_slot() -> Iterator[None]:
    """Hold one of the process's ``AUDIO_CONCURRENCY`` slots for the work on one file (a green
    semaphore: taken and given back on the hub only). The watchdog times the handler from here:
    waiting for a slot behind other files is not being stuck."""
    with _slots():
        watchdog.restart_clock()
        yield
