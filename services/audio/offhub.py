"""Audio's use of ``services.common.offhub``: decoding, loudness and encoding take seconds of C and numpy code,
run in OS threads by ``run`` (the rules for such code are in services/common/offhub.py: no green primitive, no
logging). Audio adds two things of its own:

``soundfile`` serialises every ``sf_open`` under a lock created at import time; it is replaced with a real one
(``_give_soundfile_a_real_lock``).

``AUDIO_CONCURRENCY`` (default 2) caps how many files one process works on at once: each costs a
core and a decoded copy of the audio in memory. nameko still prefetches ``MAX_WORKERS`` messages
per process (its prefetch count is the worker pool size); those wait, unacked, on the semaphore
and go back to the queue for another replica if this process dies. Run audio replicas with a small
``MAX_WORKERS`` (e.g. ``AUDIO_CONCURRENCY`` + 2) so waiting messages stay available to other
replicas instead of queueing behind a busy one.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import eventlet.patcher
import eventlet.semaphore
import soundfile

from services.common import config, watchdog
from services.common.offhub import run  # noqa: F401 - audio modules call offhub.run

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


@contextmanager
def heavy_slot() -> Iterator[None]:
    """Hold one of the process's ``AUDIO_CONCURRENCY`` slots for the work on one file (a green
    semaphore: taken and given back on the hub only). The watchdog times the handler from here:
    waiting for a slot behind other files is not being stuck."""
    with _slots():
        watchdog.restart_clock()
        yield
