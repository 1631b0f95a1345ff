"""Fixtures for the licensing integration tests: a fresh migrated PostgreSQL database per test, a media store of
its own, the local fake Stripe (the real SDK talks to it over HTTP), and stand-ins for what licensing asks
catalog and accounts — built the way their replies are shaped (services/contracts/rpc/catalog.py
``LicensingFacts``, services/contracts/rpc/accounts.py ``PrivateUser``)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

from devtools.fakestripe import FakeStripe
from services.common.db import UnitOfWork
from services.common.media import LICENSING, MediaStore
from services.common.messaging.models import OutboxMessage
from services.common.stripe_api import make_client
from services.contracts.errors import NotFound, Unauthorized
from services.contracts.events import REGISTRY, validate_event
from services.licensing.payments import StripePayments
from tests.support.databases import fresh_database, sessions

PUBLIC = "https://beatpass.test"


@pytest.fixture
def licensing_db(pg, monkeypatch) -> str:
    return fresh_database(pg, monkeypatch, "licensing")


@pytest.fixture
def session_factory(licensing_db):
    with sessions(licensing_db) as factory:
        yield factory


@pytest.fixture(autouse=True)
def public_url(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)


@pytest.fixture
def media(tmp_path, monkeypatch) -> MediaStore:
    root = tmp_path / "media"
    root.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return MediaStore(root, owner=LICENSING)


@pytest.fixture(scope="module")
def fake_stripe():
    fake = FakeStripe(webhook_url=None, auto_deliver=False)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def payments(fake_stripe) -> StripePayments:
    fake_stripe.pending.clear()
    return StripePayments(make_client("sk_test_licensing", fake_stripe.base_url))


def new_id() -> str:
    return str(uuid.uuid4())


def user(can_download: bool = True, subscription_status: str | None = "active", **overrides) -> dict[str, Any]:
    user_id = new_id()
    return {"id": user_id, "email": f"buyer-{user_id[:8]}@example.com", "plan": "plus" if can_download else "explorer",
            "can_download": can_download, "subscription_status": subscription_status, **overrides}


def track(owner: str | None = None, **overrides) -> dict[str, Any]:
    track_id = new_id()
    producer = owner or new_id()
    return {"track_id": track_id, "name": "Night Drive", "status": "published", "withdrawn": False,
            "artist_id": new_id(), "artist_name": "Ana Beats", "producer_user_id": producer,
            "owner_user_ids": [producer], "licensing_model": "standard_exclusive",
            "exclusive": {"price_cents": 50_000, "currency": "USD", "status": "available"},
            "original": {"key": f"uploads/2026/12/{uuid.uuid4().hex}.wav", "format": "wav",
                         "content_type": "audio/wav"},
            "mp3_320": {"key": f"renditions/2026/12/{uuid.uuid4().hex}.mp3", "content_type": "audio/mpeg"},
            "stems": None, "fingerprint_hash": uuid.uuid4().hex, **overrides}


@dataclass
class FakeNeighbours:
    """catalog's ``licensing_facts`` and accounts' ``get_user`` as dictionaries the test fills."""

    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_track(self, **overrides) -> dict[str, Any]:
        facts = track(**overrides)
        self.tracks[facts["track_id"]] = facts
        for owner in facts["owner_user_ids"]:  # its producers have accounts (on the free plan)
            self.users.setdefault(owner, user(can_download=False, subscription_status=None, id=owner))
        return facts

    def add_user(self, **overrides) -> dict[str, Any]:
        account = user(**overrides)
        self.users[account["id"]] = account
        return account

    def facts(self, track_id: str) -> dict[str, Any]:
        if track_id not in self.tracks:
            raise NotFound("track not found")
        return json.loads(json.dumps(self.tracks[track_id]))  # a copy, as a reply over the wire is

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            raise Unauthorized("no such account")
        return dict(self.users[user_id])

    def user_and_facts(self, user_id: str, track_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.user(user_id), self.facts(track_id)


@pytest.fixture
def neighbours() -> FakeNeighbours:
    return FakeNeighbours()


def now() -> datetime:
    return datetime.now(timezone.utc)


def outbox(uow: UnitOfWork, name: str) -> list[dict[str, Any]]:
    """The events of that name in the outbox (committed or in this transaction), each checked against its
    contract."""
    rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == name)
                               .order_by(OutboxMessage.id)).all()
    bodies = [json.loads(row.body) for row in rows]
    for body in bodies:
        validate_event(REGISTRY[name], body)
    return bodies
