"""Database access: engines (SQLite by default, PostgreSQL in production), the unit of work,
and the nameko DependencyProvider that gives each worker its own unit of work."""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, TypeVar

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from services.common import config
from services.common.messaging.models import OutboxMessage, ProcessedEvent
from services.contracts.events import EventType, build_event

log = logging.getLogger(__name__)

T = TypeVar("T")

_green_patched = False


def _patch_psycopg_for_eventlet() -> None:
    """Make psycopg2 yield to other green threads while it waits on the server (once)."""
    global _green_patched
    if _green_patched:
        return
    try:
        import eventlet.patcher
    except ImportError:  # pragma: no cover - eventlet is a dependency
        return
    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        _green_patched = True


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg2: it is the driver psycogreen makes green."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("postgresql"):
        _patch_psycopg_for_eventlet()
        # no pre-ping: it costs a round trip per checkout on every call; a connection the server
        # dropped fails one call and the pool then replaces it, and pool_recycle retires old ones
        return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        # One connection per process: SQLite locks the whole file, and its busy wait blocks the OS thread —
        # under eventlet that is every green thread, including the one holding the lock while it waits on
        # the network (Stripe, an RPC, argon2 in tpool): a deadlock until the timeout. With a pool of one,
        # a second unit of work waits for the connection green-ly instead (make run's SQLite mode only).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


class UnitOfWork:
    """One transaction's worth of work: a session, plus the events to publish when it commits.

    ``emit`` writes the event to the outbox table in the same transaction as the change, so a
    rolled-back change publishes nothing and a committed one is never lost.
    """

    def __init__(self, session_factory: Callable[[], Session], on_commit: Callable[[], None] | None = None):
        self._session_factory = session_factory
        self._session: Session | None = None
        self._emitted = False
        self._on_commit = on_commit
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._session_factory()
        return self._session

    def emit(self, event_type: EventType, payload: dict[str, Any]) -> dict[str, Any]:
        body = build_event(event_type, payload)
        self.session.add(OutboxMessage(event_id=body["event_id"], event_type=event_type.name,
                                       body=json.dumps(body)))
        self._emitted = True
        return body

    def already_processed(self, event_id: str, consumer: str) -> bool:
        found = self.session.execute(
            select(ProcessedEvent.event_id).where(ProcessedEvent.consumer == consumer,
                                                  ProcessedEvent.event_id == event_id)
        ).first()
        return found is not None

    def mark_processed(self, event_id: str, consumer: str) -> None:
        """Recorded in this transaction: a redelivery after commit is recognised and skipped; a
        concurrent duplicate fails on the primary key at commit and is retried, then skipped."""
        self.session.add(ProcessedEvent(consumer=consumer, event_id=event_id))

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this transaction has committed, never if it rolls back — for effects
        outside the database, such as deleting files the committed rows no longer reference."""
        self._after_commit.append(action)

    def commit(self) -> None:
        if self._session is None:
            return
        self._session.commit()
        if self._emitted:
            self._emitted = False
            if self._on_commit:
                self._on_commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                action()
            except Exception:  # the commit stands; a leftover file is logged, not a failed request
                log.exception("an after-commit action failed")

    def rollback(self) -> None:
        self._emitted = False
        self._after_commit = []
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def run(self, work: Callable[["UnitOfWork"], T]) -> T:
        """Outside nameko workers (CLIs, start-up hooks): ``work(self)`` as one transaction —
        committed when it returns, rolled back when it raises — then the session is closed."""
        try:
            result = work(self)
            self.commit()
            return result
        except BaseException:
            self.rollback()
            raise
        finally:
            self.close()


class Database(DependencyProvider):
    """Gives each nameko worker a ``UnitOfWork`` on this service's own database.

    The entrypoint wrappers in ``services.common.entrypoints`` commit it when the method returns
    and roll it back when it raises — before the RPC reply is sent or the event is acked. Whatever
    is left open at worker teardown is rolled back. The outbox relay runs alongside.
    """

    def __init__(self, relay: bool = True, registry=None):
        self.relay_enabled = relay
        self.registry = registry
        self.engine: Engine | None = None
        self.session_factory: sessionmaker | None = None
        self.relay = None
        self._uows: dict[Any, UnitOfWork] = {}

    def setup(self) -> None:
        service = self.container.service_name
        self.engine = make_engine(config.database_url(service))
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        if self.relay_enabled:
            from services.common.messaging.relay import RelayLoop

            from services.contracts.events import REGISTRY

            self.relay = RelayLoop(service, self.session_factory, self.container.config["AMQP_URI"],
                                   self.registry or REGISTRY)

    def start(self) -> None:
        if self.relay is not None:
            self.relay.start(self.container.spawn_managed_thread)

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        if self.engine is not None:
            self.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work whose commits wake the outbox relay (for work outside a worker, too)."""
        if self.session_factory is None:
            raise RuntimeError("the database provider is not set up yet")
        return UnitOfWork(self.session_factory, on_commit=self.relay.nudge if self.relay else None)

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        uow = self.unit_of_work()
        self._uows[worker_ctx] = uow
        return uow

    def worker_teardown(self, worker_ctx) -> None:
        uow = self._uows.pop(worker_ctx, None)
        if uow is not None:
            uow.close()
