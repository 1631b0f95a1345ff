"""Publishing to the broker with publisher confirms: ``publish`` returns only once RabbitMQ has
taken responsibility for the message, and raises otherwise."""
from __future__ import annotations

import json
from typing import Any

from kombu import Connection, Exchange, Producer

from services.common.messaging.topology import events_exchange

CONNECT_TIMEOUT_S = 5
CONFIRM_TIMEOUT_S = 10


class ConfirmedPublisher:
    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def connect(self) -> Connection:
        if self._connection is None or not self._connection.connected:
            self.close()
            self._connection = Connection(self.amqp_uri, connect_timeout=CONNECT_TIMEOUT_S,
                                          transport_options={"confirm_publish": True})
            self._connection.ensure_connection(max_retries=1)
            self._producer = Producer(self._connection.default_channel)
        return self._connection

    def publish(self, body: dict[str, Any] | str, *, routing_key: str, exchange: Exchange | str = events_exchange,
                headers: dict[str, Any] | None = None, message_id: str | None = None,
                expiration_ms: int | None = None) -> None:
        self.connect()
        payload = body if isinstance(body, str) else json.dumps(body)
        expiration = expiration_ms / 1000 if expiration_ms is not None else None
        try:
            self._producer.publish(
                payload, exchange=exchange, routing_key=routing_key, content_type="application/json",
                content_encoding="utf-8", delivery_mode=2, headers=headers or {},
                message_id=message_id, retry=False, expiration=expiration,
                confirm_timeout=CONFIRM_TIMEOUT_S)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # the connection is already broken; nothing left to release
                pass
        self._connection = None
        self._producer = None
