"""Operator tool for parked events: ``make dead-letters`` (list) and
``make dead-letters ARGS="replay --event producer_approved"``.

``list`` shows every message in every dead-letter queue without removing it. ``replay`` moves
messages back to their consumer's main queue (publisher-confirmed before the dead copy is acked),
with the attempt counter reset, once the cause of the failure has been fixed.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from kombu import Connection

from services.common import config
from services.common.messaging.consumer import ATTEMPT_HEADER
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import all_dead_queues, main_queue
from services.contracts.events import REGISTRY, Registry


@dataclass
class DeadLetter:
    consumer: str
    event_type: str
    event_id: str | None
    attempts: int
    error: str
    failed_at: str
    body: str


def _selected(registry: Registry, event: str | None, consumer: str | None):
    for event_type, name, queue in all_dead_queues(registry):
        if (event is None or event_type.name == event) and (consumer is None or name == consumer):
            yield event_type, name, queue


def _to_dead_letter(consumer: str, event_type: str, message) -> DeadLetter:
    headers = message.headers or {}
    body = message.body if isinstance(message.body, str) else message.body.decode("utf-8")
    try:
        event_id = json.loads(body).get("event_id")
    except (ValueError, AttributeError):
        event_id = None
    return DeadLetter(consumer, event_type, event_id, int(headers.get(ATTEMPT_HEADER, 0)),
                      str(headers.get("x-beatpass-error", "")), str(headers.get("x-beatpass-failed-at", "")), body)


def _parked_messages(amqp_uri: str, registry: Registry, event: str | None, consumer: str | None):
    """Yield ``(event_type, consumer, message, letter)`` for every parked message, one queue at a
    time. A message the caller does not ack returns to its queue, in order, when the queue's
    channel closes — so reading never loses or reorders anything."""
    with Connection(amqp_uri) as connection:
        for event_type, name, queue in _selected(registry, event, consumer):
            channel = connection.channel()
            try:
                bound = queue(channel)
                bound.declare()
                while (message := bound.get(no_ack=False)) is not None:
                    yield event_type, name, message, _to_dead_letter(name, event_type.name, message)
            finally:
                channel.close()


def list_dead_letters(amqp_uri: str, event: str | None = None, consumer: str | None = None,
                      registry: Registry = REGISTRY) -> list[DeadLetter]:
    return [letter for *_, letter in _parked_messages(amqp_uri, registry, event, consumer)]


def replay_dead_letters(amqp_uri: str, event: str | None = None, consumer: str | None = None,
                        event_id: str | None = None, registry: Registry = REGISTRY) -> int:
    """Move parked messages back to their consumer's main queue (confirmed before the dead copy is acked)."""
    publisher = ConfirmedPublisher(amqp_uri)
    replayed = 0
    try:
        for event_type, name, message, letter in _parked_messages(amqp_uri, registry, event, consumer):
            if event_id is not None and letter.event_id != event_id:
                continue
            publisher.publish(letter.body, exchange="", routing_key=main_queue(event_type, name).name,
                              message_id=letter.event_id, headers={"x-beatpass-replayed": True})
            message.ack()
            replayed += 1
    finally:
        publisher.close()
    return replayed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dead-letters", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    for command in ("list", "replay"):
        p = sub.add_parser(command)
        p.add_argument("--event", help="only this event type, e.g. producer_approved")
        p.add_argument("--consumer", help="only this consuming service, e.g. catalog")
        if command == "replay":
            p.add_argument("--id", dest="event_id", help="only the message with this event_id")
    args = parser.parse_args(argv)
    command = args.command or "list"
    uri = config.amqp_uri()
    from rich.console import Console
    from rich.table import Table

    console = Console()
    try:
        if command == "list":
            letters = list_dead_letters(uri, getattr(args, "event", None), getattr(args, "consumer", None))
            if not letters:
                console.print("No dead letters: every event was handled.")
                return 0
            table = Table(title=f"{len(letters)} dead letter(s)")
            for column in ("consumer", "event", "event_id", "attempts", "failed at", "error"):
                table.add_column(column)
            for d in letters:
                table.add_row(d.consumer, d.event_type, d.event_id or "?", str(d.attempts), d.failed_at, d.error)
            console.print(table)
            console.print("Fix the cause, then replay: make dead-letters ARGS='replay [--event E] [--id ID]'")
        else:
            count = replay_dead_letters(uri, args.event, args.consumer, args.event_id)
            console.print(f"Replayed {count} message(s) to their consumers' queues.")
    except OSError as exc:
        console.print(f"[red]Cannot reach RabbitMQ at {uri.split('@')[-1]}: {exc}. Start it or set AMQP_URI.[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
