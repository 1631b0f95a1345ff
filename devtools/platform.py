"""Run the whole platform in the foreground: every service plus the gateway (``make run``).

Also used by the end-to-end tests to start a real platform on a free port.

Supervision: a service or the gateway that exits while the platform runs is restarted after a short
back-off (1, 2, 4, 8 s), each time reported with its name and exit code. Only a process that crashes
``CRASH_LIMIT`` times within ``CRASH_WINDOW_S`` makes the platform give up and stop.

Stopping (Ctrl-C, or SIGTERM to the platform or its process group): every child runs in its own session,
so it is not hit by the terminal's Ctrl-C directly; the platform sends SIGTERM to each child's whole
process group (the gateway's gunicorn workers, an audio encoder), waits up to ``STOP_GRACE_S`` and then
SIGKILLs whatever is left in those groups — so no worker outlives ``make run`` holding its port.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Callable

import requests

from devtools import local_admin
from services.common import config

ROOT = config.ROOT

STOP_GRACE_S = 15.0
CRASH_LIMIT = 5
CRASH_WINDOW_S = 60.0
RESTART_BACKOFF_S = (1.0, 2.0, 4.0, 8.0)
SUPERVISE_INTERVAL_S = 0.2


class PlatformError(RuntimeError):
    pass


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _report_to_stderr(message: str) -> None:
    print(f"[platform] {message}", file=sys.stderr, flush=True)


def group_alive(pgid: int) -> bool:
    """Whether a process that is not a zombie is left in process group ``pgid``."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # after the command's closing parenthesis: state, ppid, pgrp, …
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if int(pgrp) == pgid and state != "Z":
            return True
    return False


def signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


class Platform:
    def __init__(self, env: dict[str, str] | None = None, bind: str | None = None,
                 services: tuple[str, ...] = config.SERVICES, log_dir: Path | None = None,
                 report: Callable[[str], None] = _report_to_stderr, stop_grace: float = STOP_GRACE_S,
                 restart_backoff: tuple[float, ...] = RESTART_BACKOFF_S):
        self.env = {**os.environ, **(env or {})}
        self.bind = bind or self.env.get("GATEWAY_BIND", "127.0.0.1:8000")
        self.env["GATEWAY_BIND"] = self.bind
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        if not self.env.get("DOWNLOAD_URL_SECRET"):
            # one per run, handed to every gateway worker (the gateway refuses to start without one): signed
            # download URLs then last until this platform stops, as they would across a deployment's replicas
            self.env["DOWNLOAD_URL_SECRET"] = secrets.token_urlsafe(48)
        self.services = services
        self.log_dir = log_dir
        self.report = report
        self.stop_grace = stop_grace
        self.restart_backoff = restart_backoff
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}
        self.restarts: dict[str, int] = {}
        #: set when a process crashed too often and the platform gave up on it
        self.failure: PlatformError | None = None
        self._logs: dict[str, IO] = {}
        self._crashes: dict[str, list[float]] = {}
        self._restart_due: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.bind}"

    def _spawn(self, name: str) -> None:
        out = self._logs.get(name)
        if out is None and self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = self._logs[name] = open(self.log_dir / f"{name}.log", "ab")
        # its own session and process group: stop() can signal everything it started, gunicorn's workers
        # included, and the terminal's Ctrl-C reaches only the platform, which stops the children in order
        self.processes[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, stdout=out,
                                                stderr=subprocess.STDOUT if out else None, start_new_session=True)

    def start(self) -> "Platform":
        for service in self.services:
            self.commands[service] = [sys.executable, "-m", "services.common.runner", service]
        self.commands["gateway"] = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                    "gateway.wsgi:app"]
        with self._lock:
            for name in self.commands:
                self._spawn(name)
        self._supervisor = threading.Thread(target=self._supervise, name="platform-supervisor", daemon=True)
        self._supervisor.start()
        return self

    # -- supervision -------------------------------------------------------------------------------

    def _supervise(self) -> None:
        while not self._stopping.wait(SUPERVISE_INTERVAL_S):
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._check_children(time.monotonic())
                except PlatformError as exc:
                    self.failure = exc
                    self.report(str(exc))
                    return

    def _check_children(self, now: float) -> None:
        for name, proc in self.processes.items():
            due = self._restart_due.get(name)
            if due is not None:
                if now >= due:
                    del self._restart_due[name]
                    self._spawn(name)
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self.report(f"{name} restarted (pid {self.processes[name].pid})")
                continue
            code = proc.poll()
            if code is not None:
                self._on_exit(name, proc, code, now)

    def _on_exit(self, name: str, proc: subprocess.Popen, code: int, now: float) -> None:
        # whatever the dead process left in its group (gunicorn workers still holding the port, an encoder)
        signal_group(proc.pid, signal.SIGKILL)
        crashes = [at for at in self._crashes.get(name, []) if now - at < CRASH_WINDOW_S] + [now]
        self._crashes[name] = crashes
        if len(crashes) >= CRASH_LIMIT:
            tail = self.log_tail(name)
            raise PlatformError(f"{name} exited {len(crashes)} times within {CRASH_WINDOW_S:.0f} s (last: "
                                f"{describe_exit(code)}); giving up. Its log says why"
                                + (f":\n{tail}" if tail else " (lines above)."))
        delay = self.restart_backoff[min(len(crashes), len(self.restart_backoff)) - 1]
        self.report(f"{name} exited unexpectedly ({describe_exit(code)}); restarting it in {delay:g} s")
        self._restart_due[name] = now + delay

    # -- readiness ---------------------------------------------------------------------------------

    def log_tail(self, name: str, lines: int = 30) -> str:
        if self.log_dir is None:
            return ""
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.failure is not None:
                raise self.failure
            try:
                response = requests.get(f"{self.url}/ready", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except requests.RequestException as exc:
                last = str(exc)
            time.sleep(0.2)
        raise PlatformError(f"platform not ready after {timeout:.0f}s: {last}")

    def wait_for_failure(self) -> PlatformError:
        """Block while the platform runs; return why it gave up (a process crashing again and again)."""
        while self.failure is None:
            time.sleep(0.5)
        return self.failure

    # -- stopping ----------------------------------------------------------------------------------

    def stop(self, grace: float | None = None) -> None:
        """SIGTERM to every child's process group, SIGKILL to whatever is left after ``grace`` seconds."""
        grace = self.stop_grace if grace is None else grace
        self._stopping.set()
        with self._lock:  # a restart in progress finishes first; none starts after this
            self._restart_due.clear()
            procs = list(self.processes.values())
            for proc in procs:
                signal_group(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            for proc in procs:
                try:
                    proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    pass
            for proc in procs:
                # a leader that ignored SIGTERM, or a process it left behind (a worker whose master is gone)
                signal_group(proc.pid, signal.SIGKILL)
            for proc in procs:
                proc.wait()
            gone_by = time.monotonic() + 5
            while any(group_alive(proc.pid) for proc in procs) and time.monotonic() < gone_by:
                time.sleep(0.05)
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=5)
        for handle in self._logs.values():
            handle.close()
        self._logs.clear()


def main() -> int:
    from rich.console import Console

    console = Console(stderr=True)
    platform = Platform(report=lambda message: console.print(message, style="yellow", markup=False, highlight=False))

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    def while_stopping(signum, _frame):
        console.print("Still stopping… (every process gets SIGKILL after the grace period)")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background, where SIGINT is ignored
    fake_stripe = start_billing(platform, console)
    admin = local_admin.configure(platform.env, Path(platform.env.get("BEATPASS_VAR_DIR") or config.var_dir()))
    try:
        platform.start()
        with console.status("Starting services and the gateway…"):
            platform.wait_ready()
        console.print(f"[green]BeatPass is up[/green] at {platform.url}  "
                      f"(API docs: {platform.url}/api/v1/docs) — Ctrl-C stops everything.")
        if admin is not None:
            console.print(f"Local admin: {admin[0]} / {admin[1]} (kept in var/{local_admin.FILE_NAME}; "
                          "set BEATPASS_ADMIN_EMAIL / BEATPASS_ADMIN_PASSWORD to choose your own).",
                          markup=False, highlight=False)
        failure = platform.wait_for_failure()
        console.print(f"{failure}\nStopping the rest.", style="red", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        console.print("Stopping…")
        return 0
    except PlatformError as exc:
        console.print(f"Could not start BeatPass: {exc}", style="red", markup=False, highlight=False)
        return 1
    finally:
        # a second Ctrl-C or SIGTERM must not interrupt the stop and leave children behind
        signal.signal(signal.SIGTERM, while_stopping)
        signal.signal(signal.SIGINT, while_stopping)
        platform.stop()
        if fake_stripe is not None:
            fake_stripe.stop()


def start_billing(platform: Platform, console) -> object | None:
    """Without STRIPE_API_KEY, billing runs against a local fake Stripe (devtools/fakestripe) that
    sends its webhooks to this platform's gateway; with it, the configured Stripe account is used.
    A STRIPE_WEBHOOK_SECRET in the environment is the one the fake signs with (else a fresh one), and a
    STRIPE_CONNECT_WEBHOOK_SECRET the one of its Connect events (/api/v1/webhooks/stripe/connect)."""
    if platform.env.get("STRIPE_API_KEY"):
        return None
    from devtools.stripe_setup import start_local_fake

    given_secret = platform.env.get("STRIPE_WEBHOOK_SECRET") or None
    given_connect = platform.env.get("STRIPE_CONNECT_WEBHOOK_SECRET") or None
    fake, stripe_env = start_local_fake(f"{platform.url}/api/v1/webhooks/stripe", given_secret,
                                        f"{platform.url}/api/v1/webhooks/stripe/connect", given_connect)
    platform.env.update(stripe_env)
    console.print(f"Billing uses a local fake Stripe at {fake.base_url} (set STRIPE_API_KEY for a real account), "
                  f"signing webhooks with {'your' if given_secret else 'a generated'} STRIPE_WEBHOOK_SECRET "
                  f"and Connect webhooks with {'your' if given_connect else 'a generated'} "
                  "STRIPE_CONNECT_WEBHOOK_SECRET. "
                  "Pay a checkout with the Pay button on its url.")
    return fake


if __name__ == "__main__":
    sys.exit(main())
