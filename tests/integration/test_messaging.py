"""The messaging machinery on real RabbitMQ and PostgreSQL: outbox, relay, topology, idempotent
consumers, retries, dead letters and replay.

A test-only registry defines a `ping` event published by "pinger" and consumed by "pongs".
"""
from __future__ import annotations

import json
import time
import urllib.parse
import uuid

import pytest
from kombu import Connection, Exchange
from marshmallow import fields
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from services.common.db import Database, UnitOfWork, make_engine
from services.common.entrypoints import event_handler, rpc
from services.common.messaging.deadletters import list_dead_letters, replay_dead_letters
from services.common.messaging.models import MessagingBase, OutboxMessage, ProcessedEvent
from services.common.messaging.relay import OutboxRelay
from services.common.messaging.topology import declare_for_service
from services.contracts.events import EXCHANGE, Envelope, EventType, Registry, build_event
from tests.support.tcpproxy import TcpProxy

pytestmark = pytest.mark.integration


class Ping(Envelope):
    key = fields.String(required=True)


REGISTRY = Registry()
PING = REGISTRY.add(EventType("ping", "pinger", Ping, consumers=("pongs",)))


class Base(DeclarativeBase):
    pass


class Pong(Base):
    """The consumer's effect: one row per handled ping key, with a count of how often it ran."""

    __tablename__ = "pongs"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Switch(Base):
    """Whether the handler should fail — flipped by the test to 'fix the cause'."""

    __tablename__ = "switches"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    on: Mapped[int] = mapped_column(Integer)


class PingerService:
    name = "pinger"
    db = Database(registry=REGISTRY)

    @rpc
    def ping(self, key: str, fail_after_emit: bool = False) -> None:
        self.db.emit(PING, {"key": key})
        if fail_after_emit:
            raise RuntimeError("the change failed after emitting: nothing may be published")


class PongsService:
    name = "pongs"
    db = Database(registry=REGISTRY)

    @event_handler(PING)
    def on_ping(self, event: dict) -> None:
        session = self.db.session
        if session.get(Switch, "fail") is not None and session.get(Switch, "fail").on:
            raise RuntimeError("downstream is broken")
        pong = session.get(Pong, event["key"]) or Pong(key=event["key"], count=0)
        pong.count += 1
        session.add(pong)


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(scope="module")
def databases(pg):
    urls = {}
    for service in ("pinger", "pongs"):
        url = pg.create(f"{service}_{uuid.uuid4().hex[:6]}")
        engine = make_engine(url)
        MessagingBase.metadata.create_all(engine)
        Base.metadata.create_all(engine)
        engine.dispose()
        urls[service] = url
    return urls


@pytest.fixture
def env(databases, amqp_uri, monkeypatch):
    monkeypatch.setenv("PINGER_DATABASE_URL", databases["pinger"])
    monkeypatch.setenv("PONGS_DATABASE_URL", databases["pongs"])
    monkeypatch.setenv("EVENT_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("EVENT_RETRY_BASE_MS", "50")
    return databases


@pytest.fixture
def sessions(env):
    makers = {name: sessionmaker(make_engine(url)) for name, url in env.items()}
    yield makers
    for maker in makers.values():
        maker.kw["bind"].dispose()


def pong_count(sessions, key: str) -> int:
    with sessions["pongs"]() as s:
        pong = s.get(Pong, key)
        return pong.count if pong else 0


def outbox_size(sessions) -> int:
    with sessions["pinger"]() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage))


def publish_raw(amqp_uri: str, body: dict | str) -> None:
    with Connection(amqp_uri) as conn:
        producer = conn.Producer()
        producer.publish(body if isinstance(body, str) else json.dumps(body),
                         exchange=Exchange(EXCHANGE, "topic", durable=True), routing_key="ping",
                         content_type="application/json", delivery_mode=2)


def test_committed_event_reaches_the_consumer_once(env, sessions, container_factory, rabbit_config):
    from nameko.testing.services import entrypoint_hook

    pongs = container_factory(PongsService, rabbit_config)
    pinger = container_factory(PingerService, rabbit_config)
    pongs.start()
    pinger.start()
    key = uuid.uuid4().hex
    with entrypoint_hook(pinger, "ping") as ping:
        ping(key)
    wait_for(lambda: pong_count(sessions, key) == 1)
    assert outbox_size(sessions) == 0


def test_rolled_back_transaction_publishes_nothing(env, sessions, container_factory, rabbit_config):
    from nameko.testing.services import entrypoint_hook

    pongs = container_factory(PongsService, rabbit_config)
    pinger = container_factory(PingerService, rabbit_config)
    pongs.start()
    pinger.start()
    failed, control = uuid.uuid4().hex, uuid.uuid4().hex
    with entrypoint_hook(pinger, "ping") as ping:
        with pytest.raises(RuntimeError):
            ping(failed, fail_after_emit=True)
        ping(control)  # a later, committed event proves the pipeline ran past the failed one
    wait_for(lambda: pong_count(sessions, control) == 1)
    assert pong_count(sessions, failed) == 0
    assert outbox_size(sessions) == 0


def test_event_committed_while_broker_is_down_is_sent_when_it_is_back(env, sessions, amqp_uri, container_factory,
                                                                      rabbit_config):
    parts = urllib.parse.urlsplit(amqp_uri)
    proxy = TcpProxy(parts.hostname, parts.port or 5672)
    proxied_uri = parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}").geturl()
    pongs = container_factory(PongsService, rabbit_config)
    pongs.start()
    relay = OutboxRelay("pinger", sessions["pinger"], proxied_uri, REGISTRY)
    try:
        proxy.go_down()
        key = uuid.uuid4().hex
        uow = UnitOfWork(sessions["pinger"])
        uow.emit(PING, {"key": key})
        uow.commit()
        uow.close()
        with pytest.raises(Exception):
            relay.publish_pending()
        assert outbox_size(sessions) == 1  # kept, not lost
        proxy.come_back()
        assert relay.publish_pending() == 1
        wait_for(lambda: pong_count(sessions, key) == 1)
        assert outbox_size(sessions) == 0
    finally:
        relay.close()
        proxy.close()


def test_redelivered_event_has_one_effect(env, sessions, amqp_uri, container_factory, rabbit_config):
    pongs = container_factory(PongsService, rabbit_config)
    pongs.start()
    key = uuid.uuid4().hex
    body = build_event(PING, {"key": key})
    for _ in range(3):
        publish_raw(amqp_uri, body)
    marker = uuid.uuid4().hex
    publish_raw(amqp_uri, build_event(PING, {"key": marker}))
    wait_for(lambda: pong_count(sessions, marker) == 1)
    time.sleep(0.3)
    assert pong_count(sessions, key) == 1
    with sessions["pongs"]() as s:
        handled = s.scalar(select(func.count()).select_from(ProcessedEvent)
                           .where(ProcessedEvent.event_id == body["event_id"]))
    assert handled == 1


def test_failing_handler_is_parked_then_replayed_after_the_fix(env, sessions, amqp_uri, container_factory,
                                                               rabbit_config):
    with sessions["pongs"]() as s:
        s.merge(Switch(name="fail", on=1))
        s.commit()
    pongs = container_factory(PongsService, rabbit_config)
    pongs.start()
    key = uuid.uuid4().hex
    body = build_event(PING, {"key": key})
    publish_raw(amqp_uri, body)

    def parked():
        return [d for d in list_dead_letters(amqp_uri, registry=REGISTRY) if d.event_id == body["event_id"]]

    letters = wait_for(parked)
    assert letters[0].attempts == 3
    assert "downstream is broken" in letters[0].error
    assert pong_count(sessions, key) == 0

    with sessions["pongs"]() as s:  # the operator fixes the cause…
        s.merge(Switch(name="fail", on=0))
        s.commit()
    assert replay_dead_letters(amqp_uri, event="ping", event_id=body["event_id"], registry=REGISTRY) == 1
    wait_for(lambda: pong_count(sessions, key) == 1)
    assert parked() == []


def test_malformed_event_is_parked_at_once(env, sessions, amqp_uri, container_factory, rabbit_config):
    pongs = container_factory(PongsService, rabbit_config)
    pongs.start()
    event_id = str(uuid.uuid4())
    publish_raw(amqp_uri, {"event_id": event_id, "occurred_at": "2026-01-01T00:00:00+00:00", "version": 1})
    letters = wait_for(lambda: [d for d in list_dead_letters(amqp_uri, registry=REGISTRY) if d.event_id == event_id])
    assert letters[0].attempts == 1
    assert "breaks its contract" in letters[0].error
    replay_dead_letters(amqp_uri, event="ping", event_id=event_id, registry=REGISTRY)  # clean up: parked again
    wait_for(lambda: [d for d in list_dead_letters(amqp_uri, registry=REGISTRY) if d.event_id == event_id])


def test_publisher_declares_consumer_queues_so_early_events_wait(env, sessions, amqp_uri, container_factory,
                                                                rabbit_config):
    vhost_uri = amqp_uri
    with Connection(vhost_uri) as conn:
        declare_for_service(conn, "pinger", REGISTRY)  # what the pinger does at start
    key = uuid.uuid4().hex
    publish_raw(amqp_uri, build_event(PING, {"key": key}))  # the consumer is not running yet
    pongs = container_factory(PongsService, rabbit_config)
    pongs.start()
    wait_for(lambda: pong_count(sessions, key) == 1)
