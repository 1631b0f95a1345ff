"""Signed, expiring download URLs: ``/api/v1/files/<token>``.

The licensing service answers with media-store keys (``FileRef``); the gateway turns each into a URL that
works without an ``Authorization`` header, so a browser, a download manager or ``curl`` can fetch it, resume
it (HTTP Range) and hand it on only until it expires. The token carries everything needed to serve the file —
key, content type, the name to save it under, expiry — and an HMAC-SHA256 of those with
``DOWNLOAD_URL_SECRET``, which every gateway replica shares: any replica serves a URL another one signed, and
no database is asked. ``token = base64url(json(payload)) "." base64url(mac)``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from services.contracts.errors import Forbidden

PREFIX = "/api/v1/files/"
#: a token longer than this was not made here (keys and filenames are short); refused before any decoding
TOKEN_MAX = 2048
FRESH_LINKS = "Request fresh links: POST /api/v1/licenses/<license id>/files (your library lists your licences)."


@dataclass(frozen=True)
class SignedFile:
    key: str
    content_type: str
    filename: str
    expires_at: int  # Unix seconds


class BadLink(Forbidden):
    """An expired, altered or malformed download URL (403 ``forbidden``)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> bytes:
    return hmac.new(secret.encode(), payload.encode("ascii"), hashlib.sha256).digest()


def sign(secret: str, key: str, content_type: str, filename: str, expires_at: int) -> str:
    """The token of one file, valid until ``expires_at`` (Unix seconds)."""
    if not secret:
        raise ValueError("DOWNLOAD_URL_SECRET is empty")
    body = json.dumps({"k": key, "t": content_type, "f": filename, "e": int(expires_at)},
                      separators=(",", ":"), ensure_ascii=True)
    payload = _b64(body.encode("ascii"))
    return f"{payload}.{_b64(_mac(secret, payload))}"


def url_for_file(secret: str, ref: dict[str, Any], expires_at: int) -> str:
    """The signed URL of a ``FileRef`` (``{key, content_type, filename}``)."""
    return PREFIX + sign(secret, ref["key"], ref["content_type"], ref["filename"], expires_at)


def verify(secret: str, token: str, now: float | None = None) -> SignedFile:
    """The file a token names, if this server signed it and it has not expired; else ``BadLink``.

    The MAC is compared in constant time before the payload is trusted (or even parsed)."""
    payload, dot, mac = token.partition(".")
    if not secret or not dot or len(token) > TOKEN_MAX:
        raise BadLink(f"this download link is malformed. {FRESH_LINKS}", {"reason": "malformed_link"})
    try:
        given = _unb64(mac)
    except (binascii.Error, ValueError):
        given = b""
    if not hmac.compare_digest(given, _mac(secret, payload)):
        raise BadLink(f"this download link was altered or was not issued by BeatPass. {FRESH_LINKS}",
                      {"reason": "invalid_signature"})
    try:
        data = json.loads(_unb64(payload))
        signed = SignedFile(str(data["k"]), str(data["t"]), str(data["f"]), int(data["e"]))
    except (binascii.Error, ValueError, KeyError, TypeError):  # signed by us, so only an old format could do this
        raise BadLink(f"this download link is malformed. {FRESH_LINKS}", {"reason": "malformed_link"}) from None
    if (time.time() if now is None else now) >= signed.expires_at:
        raise BadLink(f"this download link has expired (links last a limited time). {FRESH_LINKS}",
                      {"reason": "expired_link"})
    return signed
