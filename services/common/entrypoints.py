"""The two entrypoints service classes use: ``rpc`` and ``event_handler``.

Both run the method inside the worker's unit of work: commit when it returns, roll back when it
raises — before nameko sends the RPC reply or acks the event, so a caller never sees a result
that was not committed. ``event_handler`` also makes the handler idempotent: the event's id is
recorded in the same transaction as its effect, and a redelivered event is skipped.

``rpc`` also survives a broker that goes away: nameko's own entrypoint lets a reply that cannot be
published raise inside the worker, which kills the service. Here the reply is dropped with a warning
(the caller times out, as it would with the broker down anyway) and the service's consumer reconnects
when the broker is back.

Both register the running worker with the ``watchdog``. Every service's ``ping`` (the gateway's
readiness probe) answers a ``ServiceError`` naming the stuck handlers while any handler runs past
its limit.
"""
from __future__ import annotations

import functools
import logging

from nameko.amqp.publish import Publisher
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              LOGIN_METHOD_CONFIG_KEY, SERIALIZER_CONFIG_KEY)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from services.common import watchdog
from services.common.db import UnitOfWork
from services.common.logs import set_request_id
from services.common.messaging import settle
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


class ReplyPublisher(Publisher):
    # a reply is worth a short retry (a pooled connection gone stale after a broker restart is revived by
    # it), not nameko's longer one: the caller stops waiting after a few seconds, and the worker's slot
    # is needed for the next request
    retry_policy = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}


class DroppableResponder(Responder):
    """nameko's ``Responder``, except that a reply the broker cannot take is dropped, not raised."""

    publisher_cls = ReplyPublisher

    def send_response(self, result, exc_info):
        try:
            return super().send_response(result, exc_info)
        except settle.BROKER_CONNECTION_ERRORS as exc:
            log.warning("dropped an RPC reply: the broker connection is gone (%s); the caller times out", exc,
                        extra={"routing_key": self.message.delivery_info.get("routing_key")})
            return result, exc_info


class SurvivingRpcConsumer(RpcConsumer):
    """The service's RPC queue consumer: replies through ``DroppableResponder`` and acks without raising
    when the connection the request came on is gone (the broker redelivers it then)."""

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = DroppableResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config), config.get(SERIALIZER_CONFIG_KEY,
                                                                               DEFAULT_SERIALIZER),
            message, ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        settle.ack(self.queue_consumer, message)
        return result, exc_info

    def requeue_message(self, message):
        settle.requeue(self.queue_consumer, message)


class SurvivingRpc(Rpc):
    rpc_consumer = SurvivingRpcConsumer()


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

    return SurvivingRpc.decorator(wrapper)


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
