"""GET /api/v1/me through the gateway, as a freshly registered listener."""
from __future__ import annotations

import uuid

import requests

from bench.gateway_load import load_get
from bench.load import LoadResult

ROUTE = "GET /api/v1/me"


def login(base_url: str) -> str:
    """Register a listener and return its access token."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "benchmark passphrase", "username": f"bench_{uuid.uuid4().hex[:8]}"}
    requests.post(f"{base_url}/api/v1/auth/register", json=body, timeout=10).raise_for_status()
    response = requests.post(f"{base_url}/api/v1/auth/login", json={"email": email, "password": body["password"]},
                             timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def gateway_me(base_url: str, token: str, seconds: float) -> LoadResult:
    return load_get(f"gateway {ROUTE}", f"{base_url}/api/v1/me", seconds, {"Authorization": f"Bearer {token}"})
