"""The watchdog's rules: when a handler is stuck, when the process must exit, and the limits."""
from __future__ import annotations

import pytest

from services.common import watchdog
from services.common.watchdog import Limits, Running, exit_reason, readiness_problem, stuck_handlers

LIMITS = Limits(stuck_s=120, exit_s=300)


def test_a_handler_within_the_limit_is_not_stuck() -> None:
    running = [Running("audio.on_track_uploaded", started=1000.0)]
    assert stuck_handlers(running, now=1120.0, limit_s=120) == []
    assert readiness_problem(running, now=1120.0, limits=LIMITS) is None


def test_stuck_handlers_are_named_with_their_running_time_longest_first() -> None:
    running = [Running("catalog.get_track", 1000.0), Running("catalog.on_audio_validated", 900.0),
               Running("catalog.ping_others", 1100.0)]
    assert readiness_problem(running, now=1131.0, limits=LIMITS) == (
        "stuck handler: catalog.on_audio_validated running for 231 s, catalog.get_track running for 131 s")


def test_the_process_exits_only_past_the_exit_limit_naming_the_longest_handler() -> None:
    running = [Running("audio.on_track_uploaded", 0.0), Running("audio.on_track_deleted", 50.0)]
    assert exit_reason(running, now=300.0, limits=LIMITS) is None
    reason = exit_reason(running, now=360.5, limits=LIMITS)
    assert (reason.entrypoint, reason.describe()) == ("audio.on_track_uploaded",
                                                      "audio.on_track_uploaded running for 360 s")


def test_limits_per_service_override_the_global_ones(monkeypatch) -> None:
    monkeypatch.setenv("HANDLER_STUCK_S", "30")
    monkeypatch.setenv("HANDLER_EXIT_S", "60")
    monkeypatch.setenv("AUDIO_HANDLER_STUCK_S", "45")
    assert Limits.for_service("catalog") == Limits(30, 60)
    assert Limits.for_service("audio") == Limits(45, 60)


def test_audio_defaults_leave_room_for_long_files(monkeypatch) -> None:
    for name in ("HANDLER_STUCK_S", "HANDLER_EXIT_S", "AUDIO_HANDLER_STUCK_S", "AUDIO_HANDLER_EXIT_S",
                 "ACCOUNTS_HANDLER_STUCK_S", "ACCOUNTS_HANDLER_EXIT_S"):
        monkeypatch.delenv(name, raising=False)
    assert Limits.for_service("accounts") == Limits(120, 300)
    assert Limits.for_service("audio") == Limits(600, 900)


def test_an_exit_limit_below_the_stuck_limit_is_refused_with_what_to_set(monkeypatch) -> None:
    monkeypatch.setenv("CATALOG_HANDLER_STUCK_S", "100")
    monkeypatch.setenv("CATALOG_HANDLER_EXIT_S", "50")
    with pytest.raises(SystemExit, match="HANDLER_STUCK_S .100. <= HANDLER_EXIT_S .50."):
        Limits.for_service("catalog")


def test_a_tracked_worker_is_registered_while_it_runs_and_its_clock_can_restart() -> None:
    registry_before = {r.entrypoint for r in watchdog.REGISTRY.snapshot()}
    with watchdog.tracked("unit.handler"):
        [entry] = [r for r in watchdog.REGISTRY.snapshot() if r.entrypoint == "unit.handler"]
        watchdog.restart_clock()
        [restarted] = [r for r in watchdog.REGISTRY.snapshot() if r.entrypoint == "unit.handler"]
        assert restarted.started >= entry.started
    assert {r.entrypoint for r in watchdog.REGISTRY.snapshot()} == registry_before
