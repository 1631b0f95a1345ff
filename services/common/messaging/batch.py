"""``batch_event_handler``: consume one event type in batches — many messages, one handler call, one transaction.

Beside ``event_handler`` (services/common/entrypoints.py), for a high-volume event whose handler can apply many
events set-based in a few statements (gamification's ``play_recorded``). Same queues, retries and dead letters:

- The consumer takes ``prefetch`` unacked messages (default 200) on a broker connection of its own and collects
  them into batches of at most ``max_batch`` (default: ``prefetch``). A batch is handed over when it is full; else,
  while no earlier batch of the consumer is still being handled, once ``window_ms`` (default 5) pass without a new
  message; else when the earlier batch is done (the new one could not commit first anyway: it would mostly wait
  for the same rows' locks); and at the latest ``linger_ms`` (default 500) after its first message. With
  ``prefetch`` ≥ 2 × ``max_batch`` the next batch is received and checked while one is being written.
- ONE worker takes the batch: it checks every body against its contract, records the event ids in
  ``processed_events`` (``claim``: an id already recorded, or twice in the batch, is left out), calls the handler
  once with the list of the new events (in delivery order), and commits. Only then is the batch acked — with
  one ``multiple`` ack where no other unsettled message lies below it.
- If anything fails (a malformed body, the handler, the commit), the batch is rolled back and its messages are
  handled again one at a time, each in its own transaction, through the same wrapper with a list of one, and
  each settled as ``event_handler`` settles it (``EventConsumer``): acked after its commit, or republished to the
  retry queue with its attempt counter, or parked in the dead-letter queue (at once if malformed). A bad message
  costs its batch one rollback; the good ones are applied once; the bad one keeps its per-message retries and
  dead letter, and a failed batch is not counted as an attempt of its messages.
- Redelivery (the broker connection lost before the acks, a broker restart, a killed process) is harmless: the
  redelivered events are already in ``processed_events``, so their batch writes nothing and is acked. A graceful
  stop hands every delivered message's batch to a worker and waits for them to be settled.

The handler must give the same result for a list as for its events one list at a time, in any order, and with
any fact again: it receives only events new to this consumer, but the same fact may come under a new event id.
"""
from __future__ import annotations

import functools
import json
import logging
import time
from datetime import datetime, timezone
from typing import Callable, Iterable

import eventlet
from eventlet.event import Event
from eventlet.queue import Empty, LightQueue
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from services.common import watchdog
from services.common.logs import set_request_id
from services.common.messaging import settle
from services.common.messaging.consumer import EventConsumer, check_contract
from services.common.messaging.models import ProcessedEvent
from services.contracts.events import EventType

log = logging.getLogger(__name__)

DEFAULT_PREFETCH = 200
DEFAULT_WINDOW_MS = 5.0
DEFAULT_LINGER_MS = 500.0
YIELD_EVERY = 10  # messages read between two chances for the workers to go on

_STOP = object()
_SETTLED = object()  # wakes the collector: a batch of this consumer was settled


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer with a prefetch of its own: one broker connection per prefetch value, shared by
    the batch entrypoints of a container that use it (the event consumers keep theirs, at ``max_workers``). A
    delivered message is handed to its entrypoint in the consumer's thread — it is only queued there — rather
    than in a new green thread per message.

    It keeps the delivery tags not yet settled, per channel, so that a batch is acked with as few frames as
    possible: one ``basic.ack`` with ``multiple`` covers every message of the batch below the oldest message
    still unsettled (of another batch, a fallback, another entrypoint), the rest are acked one by one."""

    def __init__(self, prefetch: int = DEFAULT_PREFETCH):
        super().__init__()
        self.prefetch = prefetch
        self._unsettled: dict = {}  # channel → delivery tags handed to an entrypoint and not yet settled
        self._received = 0

    @property
    def sharing_key(self):
        return type(self), self.prefetch

    @property
    def prefetch_count(self) -> int:
        return self.prefetch

    def handle_message(self, provider, body, message) -> None:
        self._unsettled.setdefault(message.channel, set()).add(message.delivery_tag)
        provider.handle_message(body, message)
        self._received += 1
        if self._received % YIELD_EVERY == 0:
            # reading a backlog never waits on the socket, so it would keep the other green threads — the workers
            # whose database answered — waiting until the prefetch is read: let them go on now and then
            eventlet.sleep(0)

    def settled(self, message) -> None:
        """Forget a message once it is settled (acked, requeued, or moved aside and acked) — never before: until
        then no ``multiple`` ack of another batch may cover it."""
        tags = self._unsettled.get(message.channel)
        if tags is not None:
            tags.discard(message.delivery_tag)
            if not tags:
                del self._unsettled[message.channel]

    def ack_all(self, messages: list) -> None:
        by_channel: dict = {}
        for message in messages:
            by_channel.setdefault(message.channel, []).append(message)
        for channel, batch in by_channel.items():
            tags = {message.delivery_tag for message in batch}
            others = self._unsettled.get(channel, set()) - tags
            below = min(others) if others else None
            acks = [(m, False) for m in batch if below is not None and m.delivery_tag > below]
            covered = [m for m in batch if below is None or m.delivery_tag < below]
            if covered:
                acks.insert(0, (max(covered, key=lambda m: m.delivery_tag), True))
            try:
                for message, multiple in acks:
                    if not message.channel.connection:
                        break  # the broker took the messages back: it delivers them again
                    message.ack(multiple=multiple)
            except settle.BROKER_CONNECTION_ERRORS as exc:
                log.warning("could not ack %d message(s), the broker connection is gone (%s); the broker delivers "
                            "them again", len(batch), exc,
                            extra={"routing_key": batch[0].delivery_info.get("routing_key")})
            finally:
                for message in batch:
                    self.settled(message)


class BatchEventConsumer(EventConsumer):
    """The entrypoint behind ``batch_event_handler``: the worker's argument is a list of event bodies."""

    def __init__(self, event_type: EventType, prefetch: int = DEFAULT_PREFETCH, max_batch: int | None = None,
                 window_ms: float = DEFAULT_WINDOW_MS, linger_ms: float = DEFAULT_LINGER_MS, **kwargs):
        if prefetch < 1 or (max_batch is not None and not 1 <= max_batch <= prefetch):
            raise ValueError("a batch consumer needs 1 <= max_batch <= prefetch")
        self.prefetch = prefetch
        self.max_batch = max_batch or prefetch
        self.window_s = window_ms / 1000
        self.linger_s = max(linger_ms, window_ms) / 1000
        self.queue_consumer = BatchQueueConsumer(prefetch)
        super().__init__(event_type, **kwargs)

    def setup(self) -> None:
        super().setup()
        self._incoming: LightQueue = LightQueue()
        self._in_flight = 0  # batches dispatched and not yet settled (fallbacks included)
        self._collector = None

    def start(self) -> None:
        super().start()
        self._collector = self.container.spawn_managed_thread(
            self._collect, identifier=f"{self.container.service_name}.{self.method_name}.batches")

    def stop(self) -> None:
        """No new deliveries; what was delivered is handled (and settled) before the publisher closes."""
        self.queue_consumer.unregister_provider(self)
        self._incoming.put(_STOP)
        if self._collector is not None:
            self._collector.wait()
            self._collector = None
        while self._in_flight:
            eventlet.sleep(0.01)
        self._publisher.close()

    def kill(self) -> None:
        # unacked messages go back to the queue when the broker connection closes
        if self._collector is not None:
            self._collector.kill()
            self._collector = None
        self._publisher.close()

    # --- collecting --------------------------------------------------------------------------------------

    def handle_message(self, body, message) -> None:
        if isinstance(body, (bytes, str)):
            try:
                body = json.loads(body)
            except ValueError:
                pass  # the contract check refuses it and the message is parked
        self._incoming.put((body, message))

    def _collect(self) -> None:
        """Batches from the incoming messages. A batch is handed over when it holds ``max_batch`` messages; else,
        while no earlier batch of this consumer is still being handled, once ``window_ms`` pass without a new
        message; else (an earlier batch still running: this one could not commit before it anyway, as it mostly
        waits for the same rows' locks) when that one is done; and in any case ``linger_ms`` after its first
        message."""
        while True:
            first = self._incoming.get()
            if first is _STOP:
                return
            if first is _SETTLED:
                continue
            batch, stopping = [first], False
            started = last = time.monotonic()
            while len(batch) < self.max_batch:
                now = time.monotonic()
                left = self.linger_s - (now - started)
                if not self._in_flight:
                    left = min(left, self.window_s - (now - last))
                if left <= 0:
                    break
                try:
                    item = self._incoming.get(timeout=left)
                except Empty:
                    continue  # the loop decides again: a gap, the linger, or an earlier batch still running
                if item is _STOP:
                    stopping = True
                    break
                if item is not _SETTLED:
                    batch.append(item)
                    last = time.monotonic()
            self._dispatch(batch)
            if stopping:
                return

    # --- handling ------------------------------------------------------------------------------------------

    def _end(self) -> None:
        self._in_flight -= 1
        self._incoming.put(_SETTLED)

    def _dispatch(self, batch: list[tuple]) -> None:
        self._in_flight += 1
        try:
            self.container.spawn_worker(self, ([body for body, _ in batch],), {},
                                        handle_result=functools.partial(self._batch_handled, batch))
        except ContainerBeingKilled:
            for _, message in batch:
                self._requeue(message)
            self._end()

    def _requeue(self, message) -> None:
        settle.requeue(self.queue_consumer, message)
        self.queue_consumer.settled(message)

    def _batch_handled(self, batch: list[tuple], worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            try:
                self.queue_consumer.ack_all([message for _, message in batch])
            finally:
                self._end()
            return result, exc_info
        log.warning("a batch of %d %s events failed (%r); handling them one at a time", len(batch),
                    self.event_type.name, exc_info[1], extra={"event_type": self.event_type.name})
        # not in this worker: each message needs a worker of its own, and the pool may be full of batches
        self.container.spawn_managed_thread(functools.partial(self._one_at_a_time, batch),
                                            identifier=f"{self.container.service_name}.{self.method_name}.fallback")
        return result, exc_info

    def _one_at_a_time(self, batch: list[tuple]) -> None:
        try:
            for index, (body, message) in enumerate(batch):
                done = Event()
                try:
                    self.container.spawn_worker(self, ([body],), {},
                                                handle_result=functools.partial(self._one_handled, message, done))
                except ContainerBeingKilled:
                    for _, rest in batch[index:]:
                        self._requeue(rest)
                    return
                done.wait()
        finally:
            self._end()

    def _one_handled(self, message, done: Event, worker_ctx, result=None, exc_info=None):
        try:
            self.handle_message_processed(message, result, exc_info)  # EventConsumer's: ack, retry or park
        finally:
            self.queue_consumer.settled(message)
            done.send(True)
        return result, exc_info


# --- the decorator ---------------------------------------------------------------------------------------------

@functools.cache
def _claim_statement(dialect: str):
    if dialect == "postgresql":  # one array parameter, not three per event
        return text("INSERT INTO processed_events (consumer, event_id, processed_at) "
                    "SELECT :consumer, event_id, :processed_at FROM unnest(CAST(:event_ids AS varchar[])) AS event_id "
                    "ON CONFLICT DO NOTHING RETURNING event_id")
    table = ProcessedEvent.__table__
    return sqlite.insert(table).on_conflict_do_nothing().returning(table.c.event_id)


def claim(session: Session, consumer: str, event_ids: Iterable[str]) -> set[str]:
    """Record the event ids as handled by ``consumer`` in this transaction; the ones recorded now (an id already
    there is left out; one an uncommitted transaction is recording is waited for). One statement, in id order,
    so two batches never wait on each other's ids in opposite orders."""
    ids = sorted(set(event_ids))
    if not ids:
        return set()
    now = datetime.now(timezone.utc)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        rows = session.scalars(_claim_statement(dialect), {"consumer": consumer, "processed_at": now,
                                                           "event_ids": ids}).all()
    else:
        rows = session.scalars(_claim_statement(dialect), [{"consumer": consumer, "event_id": event_id,
                                                            "processed_at": now} for event_id in ids]).all()
    return set(rows)


def batch_event_handler(event_type: EventType, *, prefetch: int = DEFAULT_PREFETCH, max_batch: int | None = None,
                        window_ms: float = DEFAULT_WINDOW_MS, linger_ms: float = DEFAULT_LINGER_MS):
    """``fn(self, events: list[dict])`` receives the batch's events new to this consumer (never an empty list),
    inside the worker's unit of work, committed when it returns. The consumer is recorded in ``processed_events``
    as ``<service>.<method>``, as ``event_handler`` records it, so a handler can move between the two."""
    from services.common.entrypoints import _in_transaction, _units_of_work

    def decorator(fn: Callable):
        @functools.wraps(fn)
        def wrapper(self, bodies: list):
            for body in bodies:
                check_contract(event_type, body)
            consumer = f"{type(self).name}.{fn.__name__}"
            set_request_id(f"event:{bodies[0]['event_id']}" if len(bodies) == 1
                           else f"events:{bodies[0]['event_id']}+{len(bodies) - 1}")
            units = _units_of_work(self)
            if len(units) != 1:
                raise RuntimeError(f"{consumer}: an event handler needs exactly one Database dependency")
            uow = units[0]

            def handle():
                fresh = claim(uow.session, consumer, (body["event_id"] for body in bodies))
                events, seen = [], set()
                for body in bodies:
                    if body["event_id"] in fresh and body["event_id"] not in seen:
                        seen.add(body["event_id"])
                        events.append(body)
                if len(events) < len(bodies):
                    log.info("skipping %d already handled %s event(s)", len(bodies) - len(events), event_type.name,
                             extra={"event_type": event_type.name})
                if events:
                    fn(self, events)

            with watchdog.tracked(consumer):
                return _in_transaction(self, handle)

        return BatchEventConsumer.decorator(event_type, prefetch=prefetch, max_batch=max_batch, window_ms=window_ms,
                                            linger_ms=linger_ms)(wrapper)

    return decorator
