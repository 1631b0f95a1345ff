"""Fixtures for the gamification integration tests: a fresh migrated PostgreSQL database per test, events built
by their contracts and delivered to the consumers, and a stand-in for what gamification asks accounts and
catalog (shaped like their replies: services/contracts/rpc/catalog.py ``Artist``, ``artist_summaries``)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from services.common.db import UnitOfWork
from services.contracts.errors import Forbidden, NotFound
from services.contracts.events import REGISTRY, build_event
from services.gamification import consumers
from tests.support.databases import fresh_database, sessions


def new_id() -> str:
    return str(uuid.uuid4())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def gamification_db(pg, monkeypatch) -> str:
    return fresh_database(pg, monkeypatch, "gamification")


@pytest.fixture
def session_factory(gamification_db):
    with sessions(gamification_db) as factory:
        yield factory


@pytest.fixture
def units(session_factory):
    """A fresh unit of work per call, as each delivery gets one."""
    return lambda: UnitOfWork(session_factory)


@pytest.fixture
def run(units):
    """``run(work)``: ``work(uow)`` in a committed unit of work."""
    return lambda work: units().run(work)


@dataclass
class FakeNeighbours:
    """accounts' roles and catalog's pages, as dictionaries the test fills."""

    roles: dict[str, set[str]] = field(default_factory=dict)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id → their page

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

    def verify_role(self, actor_id: str, role: str) -> None:
        if role not in self.roles.get(actor_id, set()):
            raise Forbidden(f"this needs the {role} role")

    def my_artist(self, actor_id: str) -> dict[str, Any]:
        if actor_id not in self.artists:
            raise NotFound("no artist profile")
        return dict(self.artists[actor_id])

    def artist_summaries(self, artist_ids: list[str]) -> dict[str, dict[str, Any]]:
        pages = {page["id"]: page for page in self.artists.values()}
        return {i: {"id": i, "name": pages[i]["name"], "verified": False} for i in artist_ids if i in pages}


@pytest.fixture
def neighbours() -> FakeNeighbours:
    return FakeNeighbours()


def wire(name: str, **payload) -> dict[str, Any]:
    """An event as a consumer receives it: built by its contract, through JSON."""
    return json.loads(json.dumps(build_event(REGISTRY[name], payload), default=str))


class Events:
    """Builds events by their contracts and delivers them to the consumers, each in its own transaction;
    ``again`` redelivers the same body (or a copy under a new event id: the source key must still hold)."""

    def __init__(self, units):
        self.units = units

    def deliver(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        self.units().run(lambda uow: getattr(consumers, name)(uow, body))
        return body

    def send(self, name: str, **payload) -> dict[str, Any]:
        return self.deliver(name, wire(name, **payload))

    def again(self, name: str, body: dict[str, Any], new_id_too: bool = False) -> None:
        copy = dict(body)
        if new_id_too:
            copy["event_id"] = new_id()
        self.deliver(name, copy)

    # the facts, with sensible defaults
    def published(self, artist_id: str, user_id: str, when: datetime, track_id: str | None = None,
                  collaborators: list[str] | None = None) -> dict[str, Any]:
        return self.send("track_published", track_id=track_id or new_id(), artist_id=artist_id,
                         producer_user_id=user_id, collaborator_artist_ids=collaborators or [],
                         licensing_model="standard_exclusive", genres=["trap"], published_at=when.isoformat())

    def play(self, artist_id: str, track_id: str, when: datetime, play_id: str | None = None) -> dict[str, Any]:
        return self.send("play_recorded", play_id=play_id or new_id(), track_id=track_id, listener_user_id=new_id(),
                         producer_user_id=new_id(), artist_id=artist_id, collaborator_artist_ids=[],
                         duration_s=120.0, position_s=60.0, played_at=when.isoformat())

    def metadata_completed(self, track_id: str, user_id: str, when: datetime) -> dict[str, Any]:
        return self.deliver("track_metadata_completed", {
            **wire("track_metadata_completed", track_id=track_id, producer_user_id=user_id, completeness=0.9),
            "occurred_at": when.isoformat()})

    def deleted(self, track_id: str, user_id: str, when: datetime) -> dict[str, Any]:
        return self.deliver("track_deleted", {**wire("track_deleted", track_id=track_id, producer_user_id=user_id),
                                              "occurred_at": when.isoformat()})

    def credited(self, track_id: str, artist_id: str, by: str, when: datetime) -> dict[str, Any]:
        return self.deliver("collaboration_credited", {
            **wire("collaboration_credited", track_id=track_id, artist_id=artist_id, credited_by_artist_id=by),
            "occurred_at": when.isoformat()})

    def license(self, artist_id: str, track_id: str, when: datetime, license_type: str = "standard",
                license_id: str | None = None) -> dict[str, Any]:
        return self.send("license_issued", license_id=license_id or new_id(), license_type=license_type,
                         track_id=track_id, artist_id=artist_id, producer_user_id=new_id(),
                         licensee_user_id=new_id(), issued_at=when.isoformat())

    def earnings(self, artist_id: str | None, user_id: str, cents: int, when: datetime, currency: str = "CAD",
                 source: str = "pool_share") -> dict[str, Any]:
        return self.send("earnings_credited", entry_id=new_id(), user_id=user_id, artist_id=artist_id,
                         source=source, amount_cents=cents, currency=currency, credited_at=when.isoformat())

    def page(self, artist_id: str, user_id: str | None, when: datetime) -> dict[str, Any]:
        return self.deliver("artist_page_changed", {**wire("artist_page_changed", artist_id=artist_id,
                                                           user_id=user_id), "occurred_at": when.isoformat()})


@pytest.fixture
def events(units) -> Events:
    return Events(units)


@pytest.fixture
def uow(session_factory) -> Iterator[UnitOfWork]:
    work = UnitOfWork(session_factory)
    yield work
    work.rollback()
    work.close()
