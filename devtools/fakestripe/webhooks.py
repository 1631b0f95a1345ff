"""Webhook signing and delivery, exactly as Stripe does it: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
"{t}.{raw body}">`, one POST per event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import requests


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def encode_event(event: dict[str, Any]) -> bytes:
    # Stripe sends pretty-printed JSON; consumers must verify the raw bytes, never a re-serialisation.
    return json.dumps(event, indent=2).encode()


@dataclass
class Delivery:
    event_id: str
    event_type: str
    status: int | None  # None: the endpoint could not be reached
    body: str


class WebhookSender:
    def __init__(self, url: str | None, secret: str | None, timeout: float = 10.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout
        self.deliveries: list[Delivery] = []

    def signed(self, event: dict[str, Any], secret: str | None = None,
               timestamp: int | None = None) -> tuple[bytes, str]:
        body = encode_event(event)
        key = secret if secret is not None else self.secret
        if key is None:
            raise ValueError("no webhook secret configured")
        return body, signature_header(body, key, timestamp)

    def send(self, event: dict[str, Any]) -> Delivery:
        if self.url is None:
            raise ValueError("no webhook_url configured")
        body, header = self.signed(event)
        headers = {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header,
                   "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}
        try:
            resp = requests.post(self.url, data=body, headers=headers, timeout=self.timeout)
            delivery = Delivery(event["id"], event["type"], resp.status_code, resp.text)
        except requests.RequestException as exc:
            delivery = Delivery(event["id"], event["type"], None, str(exc))
        self.deliveries.append(delivery)
        return delivery
