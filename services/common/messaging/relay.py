"""The outbox relay: publishes committed outbox rows with publisher confirms, then deletes them.

A row is deleted only after the broker confirmed it, so a broker outage only delays events: they
go out, in order, once it is back. A crash between confirm and delete publishes a row twice;
consumers are idempotent by ``event_id``, so delivery is at-least-once with one effect.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.messaging.models import OutboxMessage
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import declare_for_service
from services.contracts.events import REGISTRY, Registry

log = logging.getLogger(__name__)

BATCH = 200
IDLE_POLL_S = 1.0
MAX_BACKOFF_S = 30.0


class OutboxRelay:
    """Synchronous core, used by the nameko loop below and directly by tests and tools."""

    def __init__(self, service: str, session_factory: Callable[[], Session], amqp_uri: str,
                 registry: Registry = REGISTRY):
        self.service = service
        self.session_factory = session_factory
        self.publisher = ConfirmedPublisher(amqp_uri)
        self.registry = registry
        self._declared_on = None

    def _ensure_topology(self) -> None:
        connection = self.publisher.connect()
        if self._declared_on is not connection:
            declare_for_service(connection, self.service, self.registry)
            self._declared_on = connection

    def publish_pending(self) -> int:
        """Publish up to one batch; return how many went out. Raises if the broker is unreachable."""
        with self.session_factory() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id).limit(BATCH)
            if session.get_bind().dialect.name == "postgresql":
                # several replicas of a service may relay at once: each takes different rows
                query = query.with_for_update(skip_locked=True)
            rows = session.execute(query).scalars().all()
            if not rows:
                session.rollback()
                return 0
            self._ensure_topology()
            sent = 0
            try:
                for row in rows:
                    self.publisher.publish(row.body, routing_key=row.event_type, message_id=row.event_id,
                                           headers={"event_type": row.event_type, "source": self.service})
                    session.delete(row)
                    sent += 1
            finally:
                session.commit()
            return sent

    def close(self) -> None:
        self.publisher.close()


class RelayLoop:
    """Runs ``OutboxRelay`` in a green thread of the service: woken right after a commit that
    emitted events, and polling once a second for anything left (e.g. after a broker outage)."""

    def __init__(self, service: str, session_factory: Callable[[], Session], amqp_uri: str,
                 registry: Registry = REGISTRY):
        self.relay = OutboxRelay(service, session_factory, amqp_uri, registry)
        self._running = False
        self._wake = None
        self._thread = None

    def start(self, spawn: Callable) -> None:
        import eventlet.event

        self._wake = eventlet.event.Event()
        self._running = True
        try:
            self.relay._ensure_topology()
        except Exception as exc:  # the loop keeps trying; the service still starts
            log.warning("could not declare the messaging topology yet: %s", exc)
        self._thread = spawn(self._run, identifier=f"{self.relay.service}.outbox_relay")

    def nudge(self) -> None:
        if self._wake is not None and not self._wake.ready():
            self._wake.send(True)

    def _wait(self, seconds: float) -> None:
        import eventlet
        from eventlet.timeout import Timeout

        with Timeout(seconds, False):
            self._wake.wait()
        if self._wake.ready():
            self._wake.reset()
        eventlet.sleep(0)

    def _run(self) -> None:
        backoff = 0.5
        while self._running:
            try:
                while self._running and self.relay.publish_pending():
                    pass
                backoff = 0.5
                self._wait(IDLE_POLL_S)
            except Exception as exc:
                log.warning("outbox relay could not publish (will retry in %.1fs): %s", backoff, exc,
                            extra={"event": "outbox_retry"})
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    def stop(self) -> None:
        self._running = False
        self.nudge()
        if self._thread is not None:
            self._thread.kill()
            self._thread = None
        self.relay.close()
