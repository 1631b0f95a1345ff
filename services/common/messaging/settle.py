"""Acking and requeueing a delivered message when the broker connection may be gone.

A message belongs to the channel it arrived on. When the broker drops that connection, RabbitMQ takes
the unacked message back and delivers it again after the consumer reconnects, so there is nothing left
to settle: the failure is logged and the worker carries on. nameko's own ``ack_message`` only catches the
built-in ``ConnectionError``, and anything else it raises inside a worker kills the whole service.
"""
from __future__ import annotations

import logging

import amqp.exceptions
import kombu.exceptions

log = logging.getLogger(__name__)

#: what a publish, ack or requeue raises when the broker connection is lost or refused
BROKER_CONNECTION_ERRORS = (OSError, amqp.exceptions.ConnectionError, kombu.exceptions.OperationalError)


def ack(queue_consumer, message) -> None:
    try:
        queue_consumer.ack_message(message)
    except BROKER_CONNECTION_ERRORS as exc:
        log.warning("could not ack a message, the broker connection is gone (%s); the broker delivers it again",
                    exc, extra={"routing_key": message.delivery_info.get("routing_key")})


def requeue(queue_consumer, message) -> None:
    try:
        queue_consumer.requeue_message(message)
    except BROKER_CONNECTION_ERRORS as exc:
        log.warning("could not requeue a message, the broker connection is gone (%s); the broker delivers it "
                    "again", exc, extra={"routing_key": message.delivery_info.get("routing_key")})
