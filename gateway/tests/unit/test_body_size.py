"""Bodies over MAX_BODY_BYTES are refused with 413, from the declared length, before they are read."""
from __future__ import annotations

import io

import pytest

from gateway.tests.unit.support import bearer


class UnreadableStream(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("the body was read")


@pytest.mark.parametrize("path, headers", [
    ("/api/v1/auth/register", {}),
    ("/api/v1/producer-program/applications", bearer()),
    ("/api/v1/nowhere", {}),  # even where no route exists
])
def test_a_declared_length_over_the_limit_is_413_without_reading(http, rpc, path, headers):
    response = http.post(path, headers={**headers, "Content-Type": "application/json"},
                         environ_overrides={"CONTENT_LENGTH": str(8192 + 1), "wsgi.input": UnreadableStream()})
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "payload_too_large" and "8192" in body["message"]
    assert response.headers["X-Request-ID"]
    assert rpc.calls == []


def test_a_body_at_the_limit_is_accepted(http, rpc):
    rpc.answers[("accounts", "update_profile")] = {}
    payload = b'{"description": "' + b"x" * (2000) + b'"}'
    response = http.patch("/api/v1/me/profile", headers=bearer(), data=payload, content_type="application/json")
    assert response.status_code == 200


def chunked(http, body: bytes):
    # no Content-Length: the server marks the stream terminated and Werkzeug caps what it reads
    return http.patch("/api/v1/me/profile", input_stream=io.BytesIO(body),
                      headers={**bearer(), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                      environ_overrides={"wsgi.input_terminated": True})


def test_a_body_without_length_over_the_limit_is_413(http, rpc):
    body = b'{"description": "' + b"x" * 9000 + b'"}'
    response = chunked(http, body)
    assert response.status_code == 413
    assert response.get_json()["error"] == "payload_too_large"
    assert rpc.calls == []


@pytest.mark.parametrize("size", [8192, 8193])
def test_the_limit_is_exact_without_length_too(http, rpc, size):
    rpc.answers[("accounts", "update_profile")] = {}
    padding = size - len(b'{"name": ""}')
    response = chunked(http, b'{"name": "' + b"x" * 100 + b'"' + b" " * (padding - 100) + b"}")
    assert response.status_code == (200 if size <= 8192 else 413)
