"""``EventConsumer``: a nameko entrypoint that consumes one event type from this service's durable
queue, and never loses a message whose handler failed.

nameko's own ``event_handler`` acks a message whose handler raised, so the event is gone. Here a
failure republishes the message (with publisher confirms) to the retry queue with an exponential
back-off, or — after the last attempt, or at once if the payload breaks its schema — to the
dead-letter queue; only then is the original acked. If even that republish fails, the message is
requeued instead of acked.
"""
from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timezone

from nameko.messaging import Consumer

from services.common import config
from services.common.messaging import settle
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import dead_queue, main_queue, retry_queue
from services.contracts.events import EventType, validate_event

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-beatpass-attempt"


class MalformedEvent(Exception):
    """The payload does not match its contract: retrying cannot help, so it is parked at once."""


class EventConsumer(Consumer):
    def __init__(self, event_type: EventType, **kwargs):
        self.event_type = event_type
        super().__init__(queue=None, **kwargs)

    def setup(self) -> None:
        service = self.container.service_name
        if service not in self.event_type.consumers:
            raise RuntimeError(
                f"{service} handles {self.event_type.name!r} but is not listed among its consumers in "
                f"services/contracts/events.py; add it there so its queue exists before events are sent")
        self.queue = main_queue(self.event_type, service)
        self._publisher = ConfirmedPublisher(self.container.config["AMQP_URI"])
        super().setup()

    def stop(self) -> None:
        super().stop()
        self._publisher.close()

    def handle_message(self, body, message) -> None:
        if isinstance(body, (bytes, str)):
            body = json.loads(body)
        super().handle_message(body, message)

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:
        # settle.ack / settle.requeue: a broker connection lost meanwhile must not kill the service
        if exc_info is None:
            settle.ack(self.queue_consumer, message)
            return
        try:
            self._retry_or_park(message, exc_info)
        except Exception:
            log.exception("could not move failed %s message aside; requeueing it", self.event_type.name)
            settle.requeue(self.queue_consumer, message)
            return
        settle.ack(self.queue_consumer, message)

    def _retry_or_park(self, message, exc_info) -> None:
        service = self.container.service_name
        headers = dict(message.headers or {})
        attempt = int(headers.get(ATTEMPT_HEADER, 0)) + 1
        exc = exc_info[1]
        body = message.body if isinstance(message.body, str) else message.body.decode("utf-8")
        permanent = isinstance(exc, MalformedEvent)
        if not permanent and attempt < config.Retry.max_attempts():
            delay = config.Retry.delay_ms(attempt)
            headers[ATTEMPT_HEADER] = attempt
            self._publisher.publish(body, exchange="", routing_key=retry_queue(self.event_type, service).name,
                                    headers=headers, message_id=message.properties.get("message_id"),
                                    expiration_ms=delay)
            log.warning("event handler failed (attempt %d); retrying in %d ms: %r", attempt, delay, exc,
                        extra={"event_type": self.event_type.name})
            return
        headers.update({
            ATTEMPT_HEADER: attempt,
            "x-beatpass-error": f"{type(exc).__name__}: {exc}"[:1000],
            "x-beatpass-traceback": "".join(traceback.format_exception(*exc_info))[-4000:],
            "x-beatpass-failed-at": datetime.now(timezone.utc).isoformat(),
        })
        self._publisher.publish(body, exchange="", routing_key=dead_queue(self.event_type, service).name,
                                headers=headers, message_id=message.properties.get("message_id"))
        log.error("event parked in dead-letter queue after %d attempt(s): %r", attempt, exc,
                  extra={"event_type": self.event_type.name})


def check_contract(event_type: EventType, body) -> None:
    if not isinstance(body, dict):
        raise MalformedEvent(f"{event_type.name} body is not a JSON object")
    try:
        validate_event(event_type, body)
    except Exception as exc:
        raise MalformedEvent(f"{event_type.name} breaks its contract: {exc}") from exc
