"""Fixtures for the payouts integration tests: a fresh migrated PostgreSQL database per test, the local fake
Stripe (the real SDK talks to it over HTTP; it counts transfers per destination and idempotency key), and a
stand-in for what payouts asks accounts and catalog — shaped like their replies (services/contracts/rpc/
accounts.py ``PrivateUser``, catalog.py ``Artist`` and ``PayoutTrack``)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from devtools.fakestripe import FakeStripe
from services.common.db import UnitOfWork
from services.common.messaging.models import OutboxMessage
from services.common.stripe_api import make_client
from services.contracts.errors import Forbidden
from services.contracts.events import REGISTRY, build_event, validate_event
from services.payouts import consumers, stripe_events
from services.payouts.stripe_connect import StripeConnect
from tests.support.databases import fresh_database, sessions

PUBLIC = "https://beatpass.test"


def new_id() -> str:
    return str(uuid.uuid4())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def payouts_db(pg, monkeypatch) -> str:
    return fresh_database(pg, monkeypatch, "payouts")


@pytest.fixture
def session_factory(payouts_db):
    with sessions(payouts_db) as factory:
        yield factory


@pytest.fixture
def units(session_factory):
    """A fresh unit of work per call, as the run's steps take them."""
    return lambda: UnitOfWork(session_factory)


@pytest.fixture
def uow(session_factory) -> Iterator[UnitOfWork]:
    work = UnitOfWork(session_factory)
    yield work
    work.rollback()
    work.close()


@pytest.fixture(autouse=True)
def public_url(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)


@pytest.fixture(scope="module")
def fake_stripe():
    fake = FakeStripe(webhook_url=None, auto_deliver=False)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def connect(fake_stripe) -> StripeConnect:
    fake_stripe.pending.clear()
    return StripeConnect(make_client("sk_test_payouts", fake_stripe.base_url))


@dataclass
class FakeNeighbours:
    """accounts' roles and users, catalog's artist pages and payout tracks, as dictionaries the test fills."""

    roles: dict[str, set[str]] = field(default_factory=dict)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id → their page (the oldest)
    more_artists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user id → their later pages
    tracks: list[dict[str, Any]] = field(default_factory=list)

    def producer(self, name: str = "Ana Beats") -> tuple[str, str]:
        """(user id, artist id) of a new producer with a page."""
        user_id, artist_id = new_id(), new_id()
        self.roles[user_id] = {"producer"}
        self.artists[user_id] = {"id": artist_id, "name": name, "user_id": user_id}
        return user_id, artist_id

    def admin(self) -> str:
        user_id = new_id()
        self.roles[user_id] = {"admin"}
        return user_id

    def add_track(self, artist_id: str, owner: str | None, published_at: datetime,
                  collaborators: dict[str, str | None] | None = None, **overrides) -> dict[str, Any]:
        collaborators = collaborators or {}
        track = {"track_id": new_id(), "name": "Night Drive", "artist_id": artist_id,
                 "collaborator_artist_ids": list(collaborators),
                 "owners": {artist_id: owner, **collaborators}, "licensing_model": "standard_exclusive",
                 "published_at": published_at.isoformat(), "sold_at": None, **overrides}
        self.tracks.append(track)
        return track

    def verify_role(self, actor_id: str, role: str) -> None:
        if role not in self.roles.get(actor_id, set()):
            raise Forbidden(f"this needs the {role} role")

    def user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "email": f"p-{user_id[:8]}@example.com"}

    def another_page(self, user_id: str, name: str = "Second Alias") -> str:
        """One more page of the producer's account (after its first, so not the default)."""
        artist_id = new_id()
        self.more_artists.setdefault(user_id, []).append({"id": artist_id, "name": name, "user_id": user_id})
        return artist_id

    def my_artists(self, actor_id: str) -> list[dict[str, Any]]:
        first = [self.artists[actor_id]] if actor_id in self.artists else []
        return [dict(page) for page in first + self.more_artists.get(actor_id, [])]

    def payout_tracks(self) -> Iterator[dict[str, Any]]:
        yield from json.loads(json.dumps(self.tracks))


@pytest.fixture
def neighbours() -> FakeNeighbours:
    return FakeNeighbours()


def wire(name: str, **payload) -> dict[str, Any]:
    """An event as a consumer receives it: built by its contract, through JSON."""
    return json.loads(json.dumps(build_event(REGISTRY[name], payload), default=str))


def deliver(units, handler, event: dict[str, Any]) -> None:
    units().run(lambda uow: handler(uow, event))


def paid(units, user_id: str, amount_cents: int, paid_at: datetime, invoice_id: str | None = None) -> str:
    invoice_id = invoice_id or f"in_{uuid.uuid4().hex[:12]}"
    deliver(units, consumers.subscription_paid, wire(
        "subscription_paid", user_id=user_id, invoice_id=invoice_id, plan="plus", amount_cents=amount_cents,
        currency="CAD", period_start=paid_at.isoformat(), period_end=paid_at.isoformat(),
        paid_at=paid_at.isoformat()))
    return invoice_id


def played(units, track_id: str, listener: str, when: datetime, times: int = 1) -> None:
    for _ in range(times):
        deliver(units, consumers.play_recorded, wire(
            "play_recorded", play_id=new_id(), track_id=track_id, listener_user_id=listener,
            producer_user_id=new_id(), artist_id=new_id(), collaborator_artist_ids=[], duration_s=60.0,
            position_s=30.0, played_at=when.isoformat()))


def onboard(units, fake_stripe, connect: StripeConnect, neighbours: FakeNeighbours, user_id: str) -> str:
    """The producer's Express account, onboarding completed on the fake, its account.updated applied."""
    from services.payouts.connect import account_of, start_connect

    units().run(lambda uow: start_connect(uow, neighbours, connect, user_id, "CA"))
    account_id = units().run(lambda uow: account_of(uow, user_id).stripe_account_id)
    fake_stripe.pending.clear()
    fake_stripe.complete_onboarding(account_id)
    for event in connect_events(fake_stripe, "account.updated"):
        units().run(lambda uow: stripe_events.handle_connect(uow, event, datetime.now(timezone.utc)))
    return account_id


def connect_events(fake_stripe, kind: str) -> list[dict[str, Any]]:
    found = [event for event in fake_stripe.pending if event["type"] == kind]
    fake_stripe.pending[:] = [event for event in fake_stripe.pending if event["type"] != kind]
    return json.loads(json.dumps(found))


def outbox(uow: UnitOfWork, name: str) -> list[dict[str, Any]]:
    """The events of that name in the outbox, each checked against its contract."""
    rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == name)
                               .order_by(OutboxMessage.id)).all()
    bodies = [json.loads(row.body) for row in rows]
    for body in bodies:
        validate_event(REGISTRY[name], body)
    return bodies
