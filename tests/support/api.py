"""A small HTTP client for black-box tests: speaks to the gateway only, like any outside client."""
from __future__ import annotations

import uuid
from typing import Any

import requests


class Api:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        # a client address of its own, so per-address rate limits never couple two tests
        self.client_ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
        self.session.headers["X-Forwarded-For"] = self.client_ip
        self.token: str | None = None
        self.user: dict[str, Any] | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}{path if path.startswith('/') else '/api/v1/' + path}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def register(self, email: str | None = None, password: str = "correct horse battery", username: str | None = None,
                 login: bool = True) -> dict[str, Any]:
        suffix = uuid.uuid4().hex[:10]
        email = email or f"user-{suffix}@example.com"
        username = username or f"user_{suffix}"
        response = self.post("auth/register", json={"email": email, "password": password, "username": username})
        assert response.status_code == 201, response.text
        self.user = response.json()
        if login:
            self.login(email, password)
        return self.user

    def login(self, email: str, password: str) -> str:
        response = self.post("auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        return self.token
