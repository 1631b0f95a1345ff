"""``batch_event_handler`` on real RabbitMQ and PostgreSQL: a backlog handled many events a transaction, each event
once (duplicates in one batch and across batches), a failing batch handled again one message at a time (the bad
message retried then parked, the good ones applied once), a malformed body parked at once, a batch redelivered
after its commit (the broker connection cut before the acks) writing nothing, and a stop that loses nothing.

A test-only registry defines a ``tick`` event published by "ticker" and consumed in batches by "tallies"; each test
runs on a vhost of its own.
"""
from __future__ import annotations

import json
import logging
import urllib.parse
import uuid

import pytest
from kombu import Connection, Exchange
from marshmallow import fields
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from services.common.db import Database, make_engine
from services.common.messaging.batch import batch_event_handler
from services.common.messaging.deadletters import list_dead_letters, replay_dead_letters
from services.common.messaging.models import MessagingBase, ProcessedEvent
from services.common.messaging.topology import declare_for_service
from services.contracts.events import EXCHANGE, Envelope, EventType, Registry, build_event
from tests.support.tcpproxy import TcpProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PREFETCH = 50


class Tick(Envelope):
    key = fields.String(required=True)


REGISTRY = Registry()
TICK = REGISTRY.add(EventType("tick", "ticker", Tick, consumers=("tallies",)))
CONSUMER = "tallies.on_ticks"


class Base(DeclarativeBase):
    pass


class Tally(Base):
    """The handler's effect: how often a key was counted."""

    __tablename__ = "tallies"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Call(Base):
    """One row per handler call, with the number of events it was given."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    size: Mapped[int] = mapped_column(Integer)


class Switch(Base):
    """``fail``: a batch holding a key that starts with "bad" raises (flipped off to 'fix the cause')."""

    __tablename__ = "switches"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    on: Mapped[int] = mapped_column(Integer)


#: actions the next handler call registers to run right after its commit (then forgotten)
AFTER_NEXT_COMMIT: list = []


class TalliesService:
    name = "tallies"
    db = Database(relay=False, registry=REGISTRY)

    @batch_event_handler(TICK, prefetch=PREFETCH, window_ms=20)
    def on_ticks(self, events: list[dict]) -> None:
        session = self.db.session
        switch = session.get(Switch, "fail")
        if switch is not None and switch.on and any(event["key"].startswith("bad") for event in events):
            raise RuntimeError("downstream is broken")
        for event in events:
            tally = session.get(Tally, event["key"]) or Tally(key=event["key"], count=0)
            tally.count += 1
            session.add(tally)
        session.add(Call(size=len(events)))
        while AFTER_NEXT_COMMIT:
            self.db.after_commit(AFTER_NEXT_COMMIT.pop())


@pytest.fixture
def amqp_uri(own_amqp_uri):
    """A vhost of this test's own: what one test leaves in the queues never reaches the next."""
    with Connection(own_amqp_uri) as connection:
        declare_for_service(connection, "tallies", REGISTRY)
    return own_amqp_uri


@pytest.fixture
def sessions(pg, monkeypatch):
    url = pg.create(f"tallies_{uuid.uuid4().hex[:6]}")
    engine = make_engine(url)
    MessagingBase.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    monkeypatch.setenv("TALLIES_DATABASE_URL", url)
    monkeypatch.setenv("EVENT_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("EVENT_RETRY_BASE_MS", "50")
    AFTER_NEXT_COMMIT.clear()
    yield sessionmaker(engine)
    engine.dispose()


def publish(amqp_uri: str, bodies: list) -> None:
    with Connection(amqp_uri) as connection:
        producer = connection.Producer()
        for body in bodies:
            producer.publish(body if isinstance(body, str) else json.dumps(body),
                             exchange=Exchange(EXCHANGE, "topic", durable=True), routing_key="tick",
                             content_type="application/json", delivery_mode=2)


def ticks(keys: list[str]) -> list[dict]:
    return [build_event(TICK, {"key": key}) for key in keys]


def tallies(sessions) -> dict[str, int]:
    with sessions() as session:
        return {tally.key: tally.count for tally in session.scalars(select(Tally))}


def calls(sessions) -> list[int]:
    with sessions() as session:
        return list(session.scalars(select(Call.size).order_by(Call.id)))


def processed(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessedEvent)
                              .where(ProcessedEvent.consumer == CONSUMER))


def set_switch(sessions, on: bool) -> None:
    with sessions() as session:
        session.merge(Switch(name="fail", on=int(on)))
        session.commit()


def parked(amqp_uri: str, event_id: str):
    return [letter for letter in list_dead_letters(amqp_uri, registry=REGISTRY) if letter.event_id == event_id]


def test_a_backlog_is_handled_in_batches_each_event_once(sessions, amqp_uri, container_factory, rabbit_config):
    bodies = ticks([f"k{n}" for n in range(120)])
    # the same message three times in a row (one batch), and again after the others (another batch)
    backlog = bodies[:10] + [bodies[10]] * 3 + bodies[11:] + bodies[:5]
    publish(amqp_uri, backlog)
    container_factory(TalliesService, rabbit_config).start()

    wait_until(lambda: len(tallies(sessions)) == 120, timeout=60, what="every key counted")
    wait_until(lambda: sum(calls(sessions)) == 120, timeout=10, what="every handler call recorded")
    assert set(tallies(sessions).values()) == {1}
    assert processed(sessions) == 120
    sizes = calls(sessions)
    assert len(sizes) < 60 and max(sizes) > 1 and max(sizes) <= PREFETCH  # batches, bounded by the prefetch


def test_a_failing_batch_falls_back_to_one_message_at_a_time(sessions, amqp_uri, container_factory,
                                                             rabbit_config):
    set_switch(sessions, True)
    good = ticks([f"good{n}" for n in range(20)])
    [bad] = ticks(["bad1"])
    publish(amqp_uri, good[:10] + [bad] + good[10:])
    container_factory(TalliesService, rabbit_config).start()

    letters = wait_until(lambda: parked(amqp_uri, bad["event_id"]), timeout=60, what="the bad message parked")
    assert letters[0].attempts == 3  # its own retries, as one message: the failed batch did not count
    assert "downstream is broken" in letters[0].error
    assert tallies(sessions) == {f"good{n}": 1 for n in range(20)}
    assert processed(sessions) == 20

    set_switch(sessions, False)  # the operator fixes the cause, then replays it
    assert replay_dead_letters(amqp_uri, event="tick", event_id=bad["event_id"], registry=REGISTRY) == 1
    wait_until(lambda: tallies(sessions).get("bad1") == 1, timeout=30, what="the replayed message counted")
    assert set(tallies(sessions).values()) == {1} and processed(sessions) == 21


def test_a_malformed_body_is_parked_at_once_and_the_others_applied(sessions, amqp_uri, container_factory,
                                                                  rabbit_config):
    good = ticks([f"m{n}" for n in range(10)])
    broken = {"event_id": str(uuid.uuid4()), "occurred_at": "2026-01-01T00:00:00+00:00", "version": 1}
    publish(amqp_uri, good[:5] + [broken] + good[5:])
    container_factory(TalliesService, rabbit_config).start()

    letters = wait_until(lambda: parked(amqp_uri, broken["event_id"]), timeout=60, what="the malformed body parked")
    assert letters[0].attempts == 1 and "breaks its contract" in letters[0].error
    wait_until(lambda: len(tallies(sessions)) == 10, timeout=30, what="the good ones counted")
    assert set(tallies(sessions).values()) == {1} and processed(sessions) == 10


def test_a_batch_redelivered_after_its_commit_writes_nothing(sessions, amqp_uri, container_factory, rabbit_config,
                                                            caplog):
    """The broker connection is cut right after the first batch commits, before its acks: the broker delivers
    those messages again once the consumer is back, and the batch they make finds them all handled."""
    caplog.set_level(logging.INFO, logger="services.common.messaging.batch")
    parts = urllib.parse.urlsplit(amqp_uri)
    proxy = TcpProxy(parts.hostname, parts.port or 5672)
    try:
        proxied = parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}").geturl()
        publish(amqp_uri, ticks([f"r{n}" for n in range(60)]))
        AFTER_NEXT_COMMIT.append(proxy.go_down)
        container = container_factory(TalliesService, {**rabbit_config, "AMQP_URI": proxied})
        container.start()
        wait_until(lambda: not proxy.up, timeout=30, what="the first batch committed and the connection cut")
        first = calls(sessions)
        assert len(first) == 1 and processed(sessions) == first[0]
        proxy.come_back()

        wait_until(lambda: len(tallies(sessions)) == 60, timeout=60, what="every key counted")
        wait_until(lambda: any("already handled" in r.getMessage() for r in caplog.records), timeout=30,
                   what="the redelivered batch skipped")
        assert set(tallies(sessions).values()) == {1}
        assert sum(calls(sessions)) == 60 and processed(sessions) == 60
        assert not container._died.ready()  # the service lived through it
    finally:
        proxy.close()


def test_a_stop_loses_nothing_and_a_restart_doubles_nothing(sessions, amqp_uri, container_factory,
                                                            rabbit_config):
    publish(amqp_uri, ticks([f"s{n}" for n in range(300)]))
    first = container_factory(TalliesService, rabbit_config)
    first.start()
    wait_until(lambda: calls(sessions), timeout=30, what="a first batch")
    first.stop()  # mid-backlog: delivered messages are handled and acked, the rest wait in the queue
    handled = processed(sessions)
    assert sum(calls(sessions)) == handled and handled < 300

    container_factory(TalliesService, rabbit_config).start()
    wait_until(lambda: len(tallies(sessions)) == 300, timeout=60, what="every key counted after the restart")
    assert set(tallies(sessions).values()) == {1}
    assert sum(calls(sessions)) == 300 and processed(sessions) == 300
