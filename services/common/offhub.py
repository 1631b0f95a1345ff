"""Running CPU-heavy work off the eventlet hub.

Work of tens of milliseconds or more in C or numpy code (decoding audio, drawing an image) would freeze every
green thread of the process while it runs — AMQP heartbeats and other requests included. ``run`` hands such a
step to ``eventlet.tpool``: a real OS thread, while the hub keeps serving.

The rule for code given to ``run``: it must never touch a green primitive. After monkey patching,
``threading.Lock``, ``time.sleep``, ``os.waitpid``, ``subprocess`` and logging's handler locks are eventlet's,
which belong to the hub of the main thread. An OS thread that waits on one parks itself on a hub of its own that
nothing ever wakes, so the caller waiting for it hangs forever. Hence: no logging in that code (log the results
on the hub), no subprocesses, no file writes through patched ``os`` calls (return bytes and write on the hub).
"""
from __future__ import annotations

from typing import Callable, TypeVar

import eventlet.patcher
import eventlet.tpool

T = TypeVar("T")


def run(fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in an OS thread when eventlet patched this process, else inline. ``fn`` must touch no green
    primitive (see the module's docstring)."""
    if eventlet.patcher.is_monkey_patched("thread"):
        return eventlet.tpool.execute(fn, *args)
    return fn(*args)
