"""Run the whole platform in the foreground: every service plus the gateway (``make run``).

Also used by the end-to-end tests to start a real platform on a free port. Ctrl-C (or SIGTERM)
stops everything: SIGTERM to each process, then SIGKILL to whatever is still up after 15 s.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import requests

from services.common import config

ROOT = config.ROOT


class PlatformError(RuntimeError):
    pass


class Platform:
    def __init__(self, env: dict[str, str] | None = None, bind: str | None = None,
                 services: tuple[str, ...] = config.SERVICES, log_dir: Path | None = None):
        self.env = {**os.environ, **(env or {})}
        self.bind = bind or self.env.get("GATEWAY_BIND", "127.0.0.1:8000")
        self.env["GATEWAY_BIND"] = self.bind
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self.services = services
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, IO] = {}

    @property
    def url(self) -> str:
        return f"http://{self.bind}"

    def _spawn(self, name: str, argv: list[str]) -> None:
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = self._logs[name] = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out,
                                                stderr=subprocess.STDOUT if out else None)

    def start(self) -> "Platform":
        for service in self.services:
            self._spawn(service, [sys.executable, "-m", "services.common.runner", service])
        self._spawn("gateway", [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                "gateway.wsgi:app"])
        return self

    def log_tail(self, name: str, lines: int = 30) -> str:
        if self.log_dir is None:
            return ""
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise PlatformError(f"{name} exited with code {proc.returncode}\n{self.log_tail(name)}")
            try:
                response = requests.get(f"{self.url}/ready", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except requests.RequestException as exc:
                last = str(exc)
            time.sleep(0.2)
        raise PlatformError(f"platform not ready after {timeout:.0f}s: {last}")

    def stop(self, grace: float = 15.0) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for handle in self._logs.values():
            handle.close()


def main() -> int:
    from rich.console import Console

    console = Console(stderr=True)
    platform = Platform()

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background, where SIGINT is ignored
    fake_stripe = start_billing(platform, console)
    try:
        platform.start()
        with console.status("Starting services and the gateway…"):
            platform.wait_ready()
        console.print(f"[green]BeatPass is up[/green] at {platform.url}  "
                      f"(API docs: {platform.url}/api/v1/docs) — Ctrl-C stops everything.")
        while all(proc.poll() is None for proc in platform.processes.values()):
            time.sleep(0.5)
        dead = [name for name, proc in platform.processes.items() if proc.poll() is not None]
        console.print(f"[red]{', '.join(dead)} stopped unexpectedly; stopping the rest.[/red] "
                      "Its log lines above say why.")
        return 1
    except KeyboardInterrupt:
        console.print("Stopping…")
        return 0
    except PlatformError as exc:
        console.print(f"[red]Could not start BeatPass:[/red] {exc}")
        return 1
    finally:
        platform.stop()
        if fake_stripe is not None:
            fake_stripe.stop()


def start_billing(platform: Platform, console) -> object | None:
    """Without STRIPE_API_KEY, billing runs against a local fake Stripe (devtools/fakestripe) that
    sends its webhooks to this platform's gateway; with it, the configured Stripe account is used.
    A STRIPE_WEBHOOK_SECRET in the environment is the one the fake signs with (else a fresh one)."""
    if platform.env.get("STRIPE_API_KEY"):
        return None
    from devtools.stripe_setup import start_local_fake

    given_secret = platform.env.get("STRIPE_WEBHOOK_SECRET") or None
    fake, stripe_env = start_local_fake(f"{platform.url}/api/v1/webhooks/stripe", given_secret)
    platform.env.update(stripe_env)
    console.print(f"Billing uses a local fake Stripe at {fake.base_url} (set STRIPE_API_KEY for a real account), "
                  f"signing webhooks with {'your' if given_secret else 'a generated'} STRIPE_WEBHOOK_SECRET. "
                  "Pay a checkout with the Pay button on its url.")
    return fake


if __name__ == "__main__":
    sys.exit(main())
