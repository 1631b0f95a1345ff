"""The batch entrypoint's bookkeeping without a broker: which acks a settled batch sends (one ``multiple`` ack below
the oldest message still unsettled, the rest one by one), and ``claim`` recording event ids once (SQLite)."""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.common.messaging.batch import BatchEventConsumer, BatchQueueConsumer, claim
from services.common.messaging.models import MessagingBase
from services.contracts.events import PLAY_RECORDED


class Channel:
    def __init__(self):
        self.connection = object()
        self.acks: list[tuple[int, bool]] = []
        self.no_ack_consumers = None

    def basic_ack(self, delivery_tag: int, multiple: bool = False) -> None:
        self.acks.append((delivery_tag, multiple))


class Message:
    def __init__(self, channel: Channel, tag: int):
        self.channel, self.delivery_tag, self.delivery_info = channel, tag, {}
        self.acknowledged = False

    def ack(self, multiple: bool = False) -> None:
        self.channel.basic_ack(self.delivery_tag, multiple=multiple)
        self.acknowledged = True


class Entrypoint:
    def __init__(self):
        self.received = []

    def handle_message(self, body, message) -> None:
        self.received.append(message)


def delivered(consumer: BatchQueueConsumer, channel: Channel, tags) -> list[Message]:
    entrypoint = Entrypoint()
    for tag in tags:
        consumer.handle_message(entrypoint, {}, Message(channel, tag))
    return entrypoint.received


def test_a_batch_holding_every_unsettled_message_is_acked_with_one_frame():
    consumer, channel = BatchQueueConsumer(200), Channel()
    batch = delivered(consumer, channel, range(1, 201))
    consumer.ack_all(batch)
    assert channel.acks == [(200, True)]


def test_a_multiple_ack_never_covers_another_batchs_message():
    consumer, channel = BatchQueueConsumer(200), Channel()
    first, second = delivered(consumer, channel, range(1, 4)), delivered(consumer, channel, range(4, 7))
    consumer.ack_all(second)  # the first batch is still being handled
    assert channel.acks == [(4, False), (5, False), (6, False)]
    consumer.ack_all(first)
    assert channel.acks[3:] == [(3, True)]


def test_a_batch_interleaved_with_an_unsettled_message_acks_below_it_at_once():
    consumer, channel = BatchQueueConsumer(200), Channel()
    messages = delivered(consumer, channel, range(1, 7))
    consumer.ack_all([m for m in messages if m.delivery_tag != 4])  # tag 4 is in a fallback, say
    assert channel.acks == [(3, True), (5, False), (6, False)]
    consumer.settled(messages[3])
    consumer.ack_all(delivered(consumer, channel, [7]))
    assert channel.acks[3:] == [(7, True)]


def test_a_lost_connection_is_not_acked():
    consumer, channel = BatchQueueConsumer(200), Channel()
    batch = delivered(consumer, channel, range(1, 4))
    channel.connection = None  # the broker takes the messages back and delivers them again
    consumer.ack_all(batch)
    assert channel.acks == []


def test_each_prefetch_gets_a_connection_of_its_own():
    assert BatchQueueConsumer(200).sharing_key == BatchQueueConsumer(200).sharing_key
    assert BatchQueueConsumer(200).sharing_key != BatchQueueConsumer(500).sharing_key
    entrypoint = BatchEventConsumer(PLAY_RECORDED, prefetch=500, max_batch=100)
    assert (entrypoint.queue_consumer.prefetch_count, entrypoint.max_batch) == (500, 100)


def test_claim_records_each_event_id_once_and_returns_the_new_ones():
    engine = create_engine("sqlite://")
    MessagingBase.metadata.create_all(engine)
    with Session(engine) as session:
        assert claim(session, "svc.on_x", ["b", "a", "b"]) == {"a", "b"}
        assert claim(session, "svc.on_x", ["a", "c"]) == {"c"}
        assert claim(session, "svc.on_y", ["a"]) == {"a"}  # per consumer
        assert claim(session, "svc.on_x", []) == set()
    engine.dispose()
