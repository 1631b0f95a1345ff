"""Helpers for the gateway's unit tests: a recording RPC stand-in, tokens, sample payloads."""
from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

from gateway.rpc import ServiceProxy

SECRET = "unit-test-secret-" + "s" * 60  # long enough for HS512 too (a refused algorithm)
DOWNLOAD_SECRET = "unit-test-download-secret-" + "d" * 40
USER_ID = "6f1c2a3e-0000-4000-8000-000000000001"


ACTOR_CHECK = ("accounts", "verify_actor")


class FakeRpc:
    """Answers calls from ``answers[(service, method)]`` (a value, an exception or a callable).

    ``login_required``'s check that the caller's account exists is recorded in ``actor_checks``, not
    ``calls`` (so tests of a view see its own calls), and passes unless ``answers`` says otherwise."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.actor_checks: list[str] = []
        self.answers: dict[tuple[str, str], Any] = {}

    def call(self, service, method, args=(), kwargs=None, context=None, timeout=None):
        if (service, method) == ACTOR_CHECK and ACTOR_CHECK not in self.answers:
            self.actor_checks.append((kwargs or {})["actor_id"])
            return None
        self.calls.append({"service": service, "method": method, "args": list(args), "kwargs": kwargs or {},
                           "context": context or {}})
        answer = self.answers.get((service, method))
        if isinstance(answer, BaseException):
            raise answer
        return answer(**(kwargs or {})) if callable(answer) else answer

    def service(self, name, context=None, timeout=None):
        return ServiceProxy(self, name, context, timeout)  # type: ignore[arg-type]

    def check_broker(self, timeout=None) -> None:
        pass

    def close(self) -> None:
        pass


def make_token(secret: str = SECRET, algorithm: str = "HS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {"sub": USER_ID, "iat": now, "exp": now + 600, "iss": "beatpass", "aud": "beatpass-api",
              "jti": uuid.uuid4().hex, **changes}
    claims = {key: value for key, value in claims.items() if value is not None}
    return jwt.encode(claims, secret, algorithm=algorithm)


def bearer(token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or make_token()}"}


def private_user(**changes: Any) -> dict[str, Any]:
    return {"id": USER_ID, "email": "ana@example.com", "username": "ana", "roles": ["listener"], "plan": "explorer",
            "tokens": 1, "profile": {"name": None, "city": None, "country": None, "description": None, "links": []},
            "followers_count": 0, "following_count": 0, "created_at": "2026-01-01T00:00:00+00:00", **changes}


def application(**changes: Any) -> dict[str, Any]:
    return {"id": "7a1c2a3e-0000-4000-8000-000000000009", "user_id": USER_ID, "type": "become_producer",
            "status": "pending", "producer_name": "Ana Beats", "beats_link": "https://example.com/ana",
            "first_name": "Ana", "last_name": "Silva", "label": None, "instagram": None, "artist_id": None,
            "rejection_reason": None, "created_at": "2026-01-01T00:00:00+00:00", "decided_at": None, **changes}
