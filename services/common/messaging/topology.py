"""The broker topology, derived from the contracts registry.

For each event and each of its consumers there are three durable queues:
``beatpass.<consumer>.<event>`` (bound to the events exchange by the event name),
``….retry`` (messages wait there for their back-off, then dead-letter back to the main queue) and
``….dead`` (parked after the last attempt, for an operator to inspect and replay).
"""
from __future__ import annotations

from kombu import Connection, Exchange, Queue

from services.contracts.events import EXCHANGE, REGISTRY, EventType, Registry

events_exchange = Exchange(EXCHANGE, type="topic", durable=True)


def main_queue(event_type: EventType, consumer: str) -> Queue:
    return Queue(event_type.queue_name(consumer), exchange=events_exchange,
                 routing_key=event_type.name, durable=True)


def retry_queue(event_type: EventType, consumer: str) -> Queue:
    main = event_type.queue_name(consumer)
    return Queue(f"{main}.retry", durable=True, queue_arguments={
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": main,
    })


def dead_queue(event_type: EventType, consumer: str) -> Queue:
    return Queue(f"{event_type.queue_name(consumer)}.dead", durable=True)


def queues_of(event_type: EventType) -> list[Queue]:
    queues = []
    for consumer in event_type.consumers:
        queues += [main_queue(event_type, consumer), retry_queue(event_type, consumer),
                   dead_queue(event_type, consumer)]
    return queues


def declare_for_service(connection: Connection, service: str, registry: Registry = REGISTRY) -> int:
    """Declare the exchange and the queues of every event ``service`` publishes or consumes.

    Idempotent; returns how many queues were declared.
    """
    channel = connection.default_channel
    events_exchange(channel).declare()
    count = 0
    for event_type in registry.relevant_to(service):
        for queue in queues_of(event_type):
            queue(channel).declare()
            count += 1
    return count


def all_dead_queues(registry: Registry = REGISTRY) -> list[tuple[EventType, str, Queue]]:
    return [(et, consumer, dead_queue(et, consumer))
            for et in registry.events.values() for consumer in et.consumers]
