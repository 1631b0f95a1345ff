"""Fixtures for the audio integration tests: a fresh migrated PostgreSQL database and media store
per test, the real service in nameko containers on the test vhost, generated audio files, and a
bus to publish catalog's events and read audio's answers.

Every test gets its own database, so fingerprints of one test never make another's a duplicate."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from kombu import Connection, Exchange, Queue

from services.audio.service import AudioService
from services.common.db import make_engine
from services.common.media import MediaStore
from services.common.messaging.topology import declare_for_service
from services.contracts.events import (AUDIO_REJECTED, AUDIO_VALIDATED, EXCHANGE, TRACK_DELETED, TRACK_UPLOADED,
                                       EventType, build_event)
from tests.support.databases import fresh_database

RATE = 44100


@pytest.fixture
def audio_db(pg, monkeypatch) -> str:
    return fresh_database(pg, monkeypatch, "audio")


@pytest.fixture
def engine(audio_db):
    engine = make_engine(audio_db)
    yield engine
    engine.dispose()


@pytest.fixture
def media(tmp_path, monkeypatch) -> MediaStore:
    root = tmp_path / "media"
    root.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return MediaStore(root)


@pytest.fixture
def fast_retries(monkeypatch) -> None:
    monkeypatch.setenv("EVENT_RETRY_BASE_MS", "200")
    monkeypatch.setenv("EVENT_MAX_ATTEMPTS", "10")


@pytest.fixture
def start_audio(audio_db, media, container_factory, rabbit_config):
    """Start one more AudioService container (in this process) on the test vhost."""
    def start():
        container = container_factory(AudioService, {**rabbit_config, "max_workers": 4})
        container.start()
        return container

    return start


@pytest.fixture
def audio(start_audio):
    return start_audio()


class Bus:
    """Publishes events as catalog would and collects audio's answers from a queue of our own."""

    def __init__(self, connection: Connection):
        self.connection = connection
        declare_for_service(connection, "catalog")
        declare_for_service(connection, "audio")
        Exchange(EXCHANGE, type="topic", durable=True)(connection.default_channel).declare()
        self.answers = Queue(f"test-audio-{uuid.uuid4().hex[:8]}")(connection.default_channel)
        self.answers.declare()
        for event_type in (AUDIO_VALIDATED, AUDIO_REJECTED):
            self.answers.bind_to(exchange=EXCHANGE, routing_key=event_type.name)
        #: answers read while waiting for another track's, kept for whoever asks for them
        self.unclaimed: list[dict[str, Any]] = []

    def publish_body(self, event_type: EventType, body: dict[str, Any]) -> None:
        producer = self.connection.Producer()
        producer.publish(json.dumps(body), exchange=EXCHANGE, routing_key=event_type.name,
                         content_type="application/json", delivery_mode=2, retry=True)

    def publish(self, event_type: EventType, payload: dict[str, Any]) -> dict[str, Any]:
        body = build_event(event_type, payload)
        self.publish_body(event_type, body)
        return body

    def answers_for(self, track_id: str, expected: int = 1, timeout: float = 60.0,
                    settle: float = 0.0) -> list[dict[str, Any]]:
        """Wait for ``expected`` answers about ``track_id``, then ``settle`` seconds more for extras."""
        found = [answer for answer in self.unclaimed if answer["track_id"] == track_id]
        self.unclaimed = [answer for answer in self.unclaimed if answer["track_id"] != track_id]
        deadline = time.monotonic() + timeout
        settle_until = None
        while True:
            now = time.monotonic()
            if len(found) >= expected:
                settle_until = settle_until or now + settle
                if now >= settle_until:
                    return found
            elif now >= deadline:
                return found
            message = self.answers.get(no_ack=True)
            if message is None:
                time.sleep(0.1)
                continue
            answer = {"type": message.delivery_info["routing_key"], **json.loads(message.body)}
            (found if answer["track_id"] == track_id else self.unclaimed).append(answer)

    def answer_for(self, track_id: str, timeout: float = 60.0) -> dict[str, Any]:
        answers = self.answers_for(track_id, timeout=timeout)
        assert answers, f"no answer for track {track_id} within {timeout} s"
        return answers[0]


@pytest.fixture
def bus(amqp_uri):
    with Connection(amqp_uri) as connection:
        bus = Bus(connection)
        yield bus
        bus.answers.delete()


class Uploads:
    """Puts generated files into the media store and announces them as catalog would."""

    def __init__(self, bus: Bus, media: MediaStore):
        self.bus, self.media = bus, media

    def put(self, source: Path, suffix: str = ".wav") -> str:
        key = MediaStore.new_key("uploads", suffix)
        self.media.save_bytes(key, source.read_bytes())
        return key

    def event(self, key: str, producer: str, track_id: str | None = None) -> dict[str, Any]:
        return {"track_id": track_id or str(uuid.uuid4()), "producer_user_id": producer,
                "artist_id": str(uuid.uuid4()), "audio_key": key, "size_bytes": self.media.size(key)}

    def upload(self, source: Path, producer: str | None = None, suffix: str = ".wav") -> dict[str, Any]:
        return self.bus.publish(TRACK_UPLOADED, self.event(self.put(source, suffix), producer or str(uuid.uuid4())))

    def delete(self, track_id: str, producer: str) -> dict[str, Any]:
        return self.bus.publish(TRACK_DELETED, {"track_id": track_id, "producer_user_id": producer})


@pytest.fixture
def uploads(bus, media) -> Uploads:
    return Uploads(bus, media)


def write_audio(path: Path, data: np.ndarray, fmt: str = "WAV", subtype: str = "PCM_16",
                rate: int = RATE) -> Path:
    soundfile.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path
