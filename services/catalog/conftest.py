"""Fixtures for the catalog integration tests: the real service in a nameko container on the test
vhost, its migrated PostgreSQL database and a media store of its own, plus helpers that publish
the events catalog consumes and read the events it emits from a queue of the test's own.

Tests share one database per session, so every user, artist and track they make is new."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy.orm import sessionmaker

from services.catalog.service import CatalogService
from services.catalog.tracks import artists
from tests.support.services import ServiceCaller
from tests.support.waiting import wait_until  # noqa: F401 - the area tests import it from here
from services.common.db import make_engine
from services.common.entrypoints import rpc
from services.common.media import CATALOG, MediaStore
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import declare_for_service
from services.common.migrate import upgrade
from services.common.persistence import new_id
from services.contracts.errors import Forbidden
from services.contracts.events import EXCHANGE, EventType, build_event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64


class Catalog(ServiceCaller):
    """Calls the running service's RPC methods, in a worker, as nameko would."""


@pytest.fixture(scope="session")
def catalog_db(pg) -> str:
    url = pg.create("catalog")
    upgrade("catalog", url)
    return url


@pytest.fixture
def media(tmp_path) -> MediaStore:
    return MediaStore(tmp_path / "media", owner=CATALOG)


@pytest.fixture
def catalog(catalog_db, media, amqp_uri, container_factory, rabbit_config, monkeypatch) -> Catalog:
    monkeypatch.setenv("CATALOG_DATABASE_URL", catalog_db)
    monkeypatch.setenv("MEDIA_ROOT", str(media.root))
    with Connection(amqp_uri) as connection:
        # the publishers' topology: catalog's queues for their events exist before anything is sent
        declare_for_service(connection, "accounts")
        declare_for_service(connection, "audio")
        declare_for_service(connection, "licensing")
        declare_for_service(connection, "payouts")
    container = container_factory(CatalogService, rabbit_config)
    container.start()
    return Catalog(container)


@pytest.fixture
def session_factory(catalog_db):
    engine = make_engine(catalog_db)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


class Publisher:
    def __init__(self, amqp_uri: str):
        self._publisher = ConfirmedPublisher(amqp_uri)

    def publish(self, event_type: EventType, payload: dict[str, Any], event_id: str | None = None) -> dict:
        body = build_event(event_type, payload)
        if event_id is not None:
            body["event_id"] = event_id
        self._publisher.publish(body, routing_key=event_type.name, message_id=body["event_id"])
        return body

    def close(self) -> None:
        self._publisher.close()


@pytest.fixture
def bus(amqp_uri):
    publisher = Publisher(amqp_uri)
    yield publisher
    publisher.close()


class Emitted:
    """Every event on the bus, from a queue of this test's own bound to all routing keys."""

    def __init__(self, queue):
        self.queue = queue
        self.seen: list[dict] = []

    def _drain(self) -> None:
        while (message := self.queue.get(no_ack=True)) is not None:
            self.seen.append({"type": message.delivery_info["routing_key"], **json.loads(message.body)})

    def matching(self, name: str, track_id: str) -> list[dict]:
        self._drain()
        return [event for event in self.seen if event["type"] == name and event.get("track_id") == track_id]

    def wait(self, name: str, track_id: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(name, track_id)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} {name} for {track_id} not seen within {timeout}s: "
                             f"{len(self.matching(name, track_id))} seen")

    def settle(self, seconds: float = 1.5) -> None:
        """Give the relay time to publish anything still pending."""
        time.sleep(seconds)
        self._drain()


@pytest.fixture
def emitted(amqp_uri):
    exchange = Exchange(EXCHANGE, type="topic", durable=True)
    queue = Queue(f"test-catalog-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key="#", auto_delete=True)
    with Connection(amqp_uri) as connection:
        exchange(connection.default_channel).declare()
        bound = queue(connection.default_channel)
        bound.declare()
        yield Emitted(bound)


def new_user_id() -> str:
    return new_id()


@pytest.fixture
def make_producer(uow) -> Callable[..., dict]:
    """A producer with an artist page, made as ``producer_approved`` would make it."""

    def make(name: str = "DJ Test") -> dict:
        user_id = new_user_id()
        page = artists.on_producer_approved(uow, {"user_id": user_id, "producer_name": name, "artist_id": None})
        uow.commit()
        return {"user_id": user_id, "artist_id": page.id}

    return make


@pytest.fixture
def store_file(media) -> Callable[[str, bytes], str]:
    def store(area: str, data: bytes, suffix: str = "") -> str:
        key = MediaStore.new_key(area, suffix)
        media.save_bytes(key, data)
        return key

    return store


def metadata(**overrides: Any) -> dict:
    data = {"name": "Night Drive", "artists": ["DJ Test"], "bpm": 120, "key": "A", "scale": "minor",
            "genres": ["Trap"], "tags": ["dark"], "cover_preset": "Trap"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


@pytest.fixture
def upload(catalog, store_file) -> Callable[..., dict]:
    """``create_track`` for a producer, with an audio file (and optionally a cover) in the media store."""

    def make(producer: dict, cover: bytes | None = None, **overrides: Any) -> dict:
        audio_key = store_file("uploads", WAV, ".wav")
        cover_key = store_file("covers", cover) if cover is not None else None
        return catalog.create_track(actor_id=producer["user_id"], metadata=metadata(**overrides),
                                    audio_key=audio_key, size_bytes=len(WAV), cover_key=cover_key)

    return make


def validated_payload(track_id: str, store: Callable[..., str]) -> dict:
    return {"track_id": track_id, "format": "wav", "duration_s": 180.5, "sample_rate": 44100, "bit_depth": 24,
            "channels": 2, "loudness_lufs": -9.5, "true_peak_dbtp": -0.3,
            "waveform_key": store("renditions", b"[0.1, 0.5]", ".json"),
            "stream_key": store("renditions", b"ID3" + b"\x00" * 32, ".mp3"), "stream_content_type": "audio/mpeg",
            "download_key": store("renditions", WAV, ".wav"), "fingerprint_hash": uuid.uuid4().hex,
            "suspected_lossy_source": False}


@pytest.fixture
def publish_track(catalog, bus, store_file) -> Callable[..., dict]:
    """Send audio's ``audio_validated`` for a track and wait until catalog published it."""
    from services.contracts.events import AUDIO_VALIDATED

    def publish(track: dict, owner: dict) -> dict:
        bus.publish(AUDIO_VALIDATED, validated_payload(track["id"], store_file))
        return wait_until(lambda: _published(catalog, track["id"], owner["user_id"]))

    return publish


def _published(catalog: Catalog, track_id: str, owner_id: str) -> dict | None:
    track = catalog.get_track(track_id=track_id, actor_id=owner_id)
    return track if track["status"] == "published" else None


#: the accounts holding the producer role, as the stand-in accounts service answers (one test at a time fills it)
PRODUCER_ROLES: set[str] = set()


class StandInAccounts:
    """accounts' ``verify_actor``, answering as its contract says: ``Forbidden`` without the role."""

    name = "accounts"

    @rpc
    def verify_actor(self, actor_id: str, role: str | None = None) -> None:
        if role is not None and actor_id not in PRODUCER_ROLES:
            raise Forbidden(f"only {role}s can do this")


@pytest.fixture
def producer_roles(catalog, container_factory, rabbit_config) -> set[str]:
    """A stand-in ``accounts`` service beside the catalog (the Backstage methods ask it for the producer
    role); returns the set of user ids holding the role."""
    PRODUCER_ROLES.clear()
    container_factory(StandInAccounts, rabbit_config).start()
    return PRODUCER_ROLES


@pytest.fixture
def backstage_producer(make_producer, producer_roles) -> Callable[..., dict]:
    """A producer with the role (in the stand-in accounts) and an artist page."""

    def make(name: str = "DJ Backstage") -> dict:
        producer = make_producer(name)
        producer_roles.add(producer["user_id"])
        return producer

    return make


def stored_track(uow, producer: dict, status: str = "published", created_at: datetime | None = None,
                 **fields: Any) -> str:
    """A track row of ``producer`` in ``status`` written straight to the database (the pipeline's own tests
    cover how tracks get there); a published one has the duration ``validated_payload`` measures."""
    from services.catalog.tracks.models import Track

    created_at = created_at or datetime.now(timezone.utc)
    row = Track(artist_id=producer["artist_id"], producer_user_id=producer["user_id"], name="Stored Beat",
                artists=["DJ Test"], bpm=120, key="A", scale="minor", genres=["Trap"], licensing_model="standard",
                audio_key="uploads/x/a.wav", size_bytes=1, status=status, created_at=created_at,
                audio={"duration_s": 180.5} if status == "published" else None,
                published_at=created_at if status == "published" else None, **fields)
    uow.session.add(row)
    uow.session.commit()
    return row.id
