"""Configuration, from environment variables only (see the table in README.md)."""
from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVICES = ("accounts", "catalog", "audio", "licensing", "payouts", "gamification")


def env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"configuration error: {name}={raw!r} is not an integer; set it to a whole number") from None


def env_float(name: str, default: float) -> float:
    raw = env(name, repr(default))
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"configuration error: {name}={raw!r} is not a number; set it to a decimal number") from None


def var_dir() -> Path:
    return Path(env("BEATPASS_VAR_DIR", str(ROOT / "var")))


def amqp_uri() -> str:
    return env("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


def database_url(service: str) -> str:
    default = f"sqlite:///{var_dir() / (service + '.db')}"
    return env(f"{service.upper()}_DATABASE_URL", default)


#: hosts a server binds to that a browser cannot be sent to: every interface means this machine
ANY_INTERFACE = {"0.0.0.0", "::", "[::]", ""}


def public_url() -> str:
    """The platform's address as a browser reaches it, without a trailing slash: PUBLIC_URL, else the
    gateway's bind address (the first of GATEWAY_BIND's) as ``http://host:port``, 0.0.0.0 read as 127.0.0.1.
    Every link a service hands out (Stripe's return pages, a licence's verification URL) starts with it."""
    configured = env("PUBLIC_URL", "")
    if configured:
        parts = urllib.parse.urlsplit(configured)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SystemExit(f"configuration error: PUBLIC_URL={configured!r} is not an http(s) address; set it "
                             "to where browsers reach the gateway, e.g. https://beatpass.example.com")
        return configured.rstrip("/")
    bind = env("GATEWAY_BIND", "127.0.0.1:8000").split(",")[0].strip()
    host, _, port = bind.rpartition(":")
    if not port.isdigit():
        raise SystemExit(f"configuration error: GATEWAY_BIND={bind!r} is not host:port; set PUBLIC_URL to the "
                         "address browsers reach the gateway at")
    return f"http://{'127.0.0.1' if host in ANY_INTERFACE else host}:{port}"


def nameko_config(service: str) -> dict:
    """The config dict nameko containers read (keys are nameko's own names)."""
    return {
        "AMQP_URI": amqp_uri(),
        "max_workers": env_int("MAX_WORKERS", 10),
        "parent_calls_tracked": 10,
        "serializer": "json",
        "SERVICE_NAME": service,
    }


class Retry:
    """Event-handler retry policy: attempts before parking in the dead-letter queue, and back-off."""

    @staticmethod
    def max_attempts() -> int:
        return env_int("EVENT_MAX_ATTEMPTS", 5)

    @staticmethod
    def base_delay_ms() -> int:
        return env_int("EVENT_RETRY_BASE_MS", 1000)

    @staticmethod
    def delay_ms(attempt: int) -> int:
        """Exponential back-off: base, 2·base, 4·base … capped at 5 minutes."""
        return min(Retry.base_delay_ms() * 2 ** max(attempt - 1, 0), 300_000)
