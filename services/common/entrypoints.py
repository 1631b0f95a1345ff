"""The two entrypoints service classes use: ``rpc`` and ``event_handler``.

Both run the method inside the worker's unit of work: commit when it returns, roll back when it
raises — before nameko sends the RPC reply or acks the event, so a caller never sees a result
that was not committed. ``event_handler`` also makes the handler idempotent: the event's id is
recorded in the same transaction as its effect, and a redelivered event is skipped.

Both register the running worker with the ``watchdog``. Every service's ``ping`` (the gateway's
readiness probe) answers a ``ServiceError`` naming the stuck handlers while any handler runs past
its limit.
"""
from __future__ import annotations

import functools
import logging

from nameko.rpc import rpc as nameko_rpc

from services.common import watchdog
from services.common.db import UnitOfWork
from services.common.logs import set_request_id
from services.common.messaging.consumer import EventConsumer, check_contract
from services.contracts.errors import ServiceError
from services.contracts.events import EventType

log = logging.getLogger(__name__)


def _units_of_work(service) -> list[UnitOfWork]:
    return [value for value in vars(service).values() if isinstance(value, UnitOfWork)]


def _in_transaction(service, call):
    units = _units_of_work(service)
    try:
        result = call()
        for uow in units:
            uow.commit()
        return result
    except BaseException:
        for uow in units:
            uow.rollback()
        raise


READINESS_PROBE = "ping"


def _check_ready(service: str) -> None:
    problem = watchdog.readiness(service)
    if problem is not None:
        raise ServiceError(f"{service} is not ready: {problem}", {"service": service, "problem": problem})


def rpc(fn):
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        service = type(self).name
        if fn.__name__ == READINESS_PROBE:
            _check_ready(service)  # the probe itself is not timed: it reports the others
            return _in_transaction(self, lambda: fn(self, *args, **kwargs))
        with watchdog.tracked(f"{service}.{fn.__name__}"):
            return _in_transaction(self, lambda: fn(self, *args, **kwargs))

    return nameko_rpc(wrapper)


def event_handler(event_type: EventType):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(self, event):
            check_contract(event_type, event)
            set_request_id(f"event:{event['event_id']}")
            consumer = f"{type(self).name}.{fn.__name__}"
            units = _units_of_work(self)
            if len(units) != 1:
                raise RuntimeError(f"{consumer}: an event handler needs exactly one Database dependency")
            uow = units[0]
            if uow.already_processed(event["event_id"], consumer):
                log.info("skipping already handled event %s", event["event_id"],
                         extra={"event_type": event_type.name})
                uow.rollback()
                return None

            def handle():
                result = fn(self, event)
                uow.mark_processed(event["event_id"], consumer)
                return result

            with watchdog.tracked(consumer):
                return _in_transaction(self, handle)

        return EventConsumer.decorator(event_type)(wrapper)

    return decorator
