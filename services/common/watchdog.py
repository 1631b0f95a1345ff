"""Hang detection for every service: a handler that runs too long makes the service not ready, then
ends the process.

Every worker of an ``rpc`` or ``event_handler`` entrypoint (``services.common.entrypoints``) is
registered here while it runs. Two limits, from the environment (per service first, e.g.
``AUDIO_HANDLER_STUCK_S``, then ``HANDLER_STUCK_S``, then the service's default):

- past ``HANDLER_STUCK_S`` a handler is *stuck*: the service's ``ping`` answers an error naming it
  (``audio.on_track_uploaded running for 131 s``), so the gateway's ``GET /ready`` answers 503;
- past ``HANDLER_EXIT_S`` (counted from the handler's start too, and at least ``HANDLER_STUCK_S``)
  the monitor writes one line on stderr and exits the process with status 70. Its supervisor
  restarts it and the broker redelivers the messages it held unacked.

The monitor is a real OS thread, not a green one: it still acts when the hub itself is blocked. It
therefore touches no green primitive — no logging (its line is written with ``os.write``) and no
green lock (the registry is guarded by a real lock, held only for dict operations that never yield).

A handler that legitimately queues before its real work (audio waits for a free analysis slot)
calls ``restart_clock()`` when that work begins, so only the work itself is timed.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

import eventlet.corolocal
import eventlet.patcher

from services.common import config, logs

_os_threading = eventlet.patcher.original("threading")
_os_time = eventlet.patcher.original("time")  # time.sleep is green after monkey patching

EXIT_STATUS = 70  # EX_SOFTWARE: an internal fault, not a configuration error
CHECK_EVERY_S = 1.0

#: defaults per service where the generic ones do not fit (seconds): stuck, exit
_SERVICE_DEFAULTS = {"audio": (600.0, 900.0)}  # a 15-minute hi-res file takes minutes to analyse on a busy core
_DEFAULTS = (120.0, 300.0)


@dataclass(frozen=True)
class Limits:
    stuck_s: float
    exit_s: float

    @classmethod
    def for_service(cls, service: str) -> "Limits":
        default_stuck, default_exit = _SERVICE_DEFAULTS.get(service, _DEFAULTS)
        prefix = service.upper()
        stuck_s = config.env_float(f"{prefix}_HANDLER_STUCK_S", config.env_float("HANDLER_STUCK_S", default_stuck))
        exit_s = config.env_float(f"{prefix}_HANDLER_EXIT_S", config.env_float("HANDLER_EXIT_S", default_exit))
        if stuck_s <= 0 or exit_s < stuck_s:
            raise SystemExit(f"configuration error: {service} needs 0 < HANDLER_STUCK_S ({stuck_s:g}) <= "
                             f"HANDLER_EXIT_S ({exit_s:g}); set them to seconds, the exit limit the larger")
        return cls(stuck_s, exit_s)


@dataclass(frozen=True)
class Running:
    """One worker in flight: its entrypoint (``service.method``) and when its clock started."""
    entrypoint: str
    started: float


@dataclass(frozen=True)
class Stuck:
    entrypoint: str
    running_s: float

    def describe(self) -> str:
        return f"{self.entrypoint} running for {self.running_s:.0f} s"


# --- the rules (pure) ---------------------------------------------------------------------------

def stuck_handlers(running: Iterable[Running], now: float, limit_s: float) -> list[Stuck]:
    """Workers running longer than ``limit_s``, longest first."""
    found = [Stuck(r.entrypoint, now - r.started) for r in running if now - r.started > limit_s]
    return sorted(found, key=lambda s: -s.running_s)


def readiness_problem(running: Iterable[Running], now: float, limits: Limits) -> str | None:
    """``None`` when ready, else what to report: every stuck handler."""
    stuck = stuck_handlers(running, now, limits.stuck_s)
    if not stuck:
        return None
    return "stuck handler: " + ", ".join(s.describe() for s in stuck)


def exit_reason(running: Iterable[Running], now: float, limits: Limits) -> Stuck | None:
    """The longest handler past the exit limit, if any: the process must end."""
    over = stuck_handlers(running, now, limits.exit_s)
    return over[0] if over else None


# --- the registry of running workers -----------------------------------------------------------

class Registry:
    def __init__(self) -> None:
        self._lock = _os_threading.Lock()  # real: the monitor thread reads while green workers write
        self._running: dict[int, Running] = {}

    def start(self, token: int, entrypoint: str) -> None:
        with self._lock:
            self._running[token] = Running(entrypoint, time.monotonic())

    def restart_clock(self, token: int) -> None:
        with self._lock:
            current = self._running.get(token)
            if current is not None:
                self._running[token] = Running(current.entrypoint, time.monotonic())

    def finish(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)

    def snapshot(self) -> list[Running]:
        with self._lock:
            return list(self._running.values())


REGISTRY = Registry()
_current = eventlet.corolocal.local()  # the token of the worker this green thread runs
_service_limits: dict[str, Limits] = {}


def limits_for(service: str) -> Limits:
    if service not in _service_limits:
        _service_limits[service] = Limits.for_service(service)
    return _service_limits[service]


class tracked:
    """``with tracked("audio.on_track_uploaded"):`` registers the current worker while it runs."""

    def __init__(self, entrypoint: str):
        self.entrypoint = entrypoint
        self.token = id(self)

    def __enter__(self) -> "tracked":
        self.previous = getattr(_current, "token", None)
        _current.token = self.token
        REGISTRY.start(self.token, self.entrypoint)
        return self

    def __exit__(self, *_exc) -> None:
        REGISTRY.finish(self.token)
        _current.token = self.previous


def restart_clock() -> None:
    """The current worker starts its real work now (it was queueing): time it from here."""
    token = getattr(_current, "token", None)
    if token is not None:
        REGISTRY.restart_clock(token)


def readiness(service: str) -> str | None:
    """What makes ``service`` not ready, or ``None`` (only its own handlers count: tests run several
    services in one process)."""
    own = [r for r in REGISTRY.snapshot() if r.entrypoint.startswith(f"{service}.")]
    return readiness_problem(own, time.monotonic(), limits_for(service))


# --- the monitor --------------------------------------------------------------------------------

def _exit_line(service: str, reason: Stuck, limits: Limits) -> bytes:
    entry = {"ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "level": "critical",
             "service": service, "logger": "beatpass.watchdog",
             "msg": f"exiting: handler {reason.describe()}, past HANDLER_EXIT_S={limits.exit_s:g}; "
                    "the supervisor restarts the service and the broker redelivers its unacked messages",
             "entrypoint": reason.entrypoint, "running_s": round(reason.running_s, 1)}
    return (json.dumps(entry) + "\n").encode()


def _watch(service: str, limits: Limits) -> None:
    while True:
        _os_time.sleep(CHECK_EVERY_S)
        reason = exit_reason(REGISTRY.snapshot(), time.monotonic(), limits)
        if reason is not None:
            os.write(logs.RAW_STDERR_FD, _exit_line(service, reason, limits))
            os._exit(EXIT_STATUS)  # a hung worker would never let a graceful stop finish


def start_monitor(service: str) -> None:
    """Watch this process's handlers in a daemon OS thread (``services.common.runner`` calls it)."""
    limits = limits_for(service)
    _os_threading.Thread(target=_watch, args=(service, limits), name="watchdog", daemon=True).start()
