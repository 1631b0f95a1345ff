"""One owner per file in the media store, with the real catalog and audio services on one broker: deleting a
track, catalog deletes the upload and cover it owns, and audio — asked by ``track_deleted`` — the renditions it
made. Catalog never touches a rendition: with audio stopped they stay until audio runs again.
"""
from __future__ import annotations

import random
import time
import uuid

import pytest
from kombu import Connection

from services.audio.renditions import keys_for
from services.audio.service import AudioService
from services.catalog.service import CatalogService
from services.common.media import GATEWAY, MediaStore
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import declare_for_service
from services.contracts.events import PRODUCER_APPROVED, build_event
from services.contracts.errors import NotFound
from tests.support import audio
from tests.support.services import ServiceCaller
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(tmp_path, monkeypatch) -> MediaStore:
    """The store as the gateway sees it: it writes the uploads that catalog then owns."""
    root = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return MediaStore(root, owner=GATEWAY)


@pytest.fixture
def platform(service_databases, media, amqp_uri, container_factory, rabbit_config):
    with Connection(amqp_uri) as connection:
        for service in ("accounts", "catalog", "audio"):
            declare_for_service(connection, service)
    catalog = container_factory(CatalogService, rabbit_config)
    catalog.start()

    def start_audio():
        container = container_factory(AudioService, {**rabbit_config, "max_workers": 2})
        container.start()
        return container

    return {"catalog": ServiceCaller(catalog), "start_audio": start_audio}


def approved_producer(amqp_uri: str, catalog: ServiceCaller) -> str:
    """A producer, made as accounts' ``producer_approved`` makes one; their id once catalog has their page."""
    user_id = str(uuid.uuid4())
    body = build_event(PRODUCER_APPROVED, {"user_id": user_id, "application_id": str(uuid.uuid4()),
                                           "producer_name": "Owner Test", "beats_link": "https://beats.test/o",
                                           "artist_id": None})
    publisher = ConfirmedPublisher(amqp_uri)
    try:
        publisher.publish(body, routing_key=PRODUCER_APPROVED.name, message_id=body["event_id"])
    finally:
        publisher.close()

    def has_page() -> bool:
        try:
            return bool(catalog.get_my_artist(actor_id=user_id))
        except NotFound:
            return False

    wait_until(has_page, 15, "the producer's artist page")
    return user_id


def test_deleting_a_track_removes_the_upload_via_catalog_and_the_renditions_via_audio(platform, media, amqp_uri,
                                                                                        tmp_path):
    catalog = platform["catalog"]
    audio_service = platform["start_audio"]()
    producer = approved_producer(amqp_uri, catalog)
    wav = audio.make_wav(tmp_path / "beat.wav", seed=random.randrange(1 << 30))
    audio_key, cover_key = MediaStore.new_key("uploads", ".wav"), MediaStore.new_key("covers", ".png")
    media.save_bytes(audio_key, wav.read_bytes())
    media.save_bytes(cover_key, PNG)
    track = catalog.create_track(actor_id=producer, audio_key=audio_key, size_bytes=media.size(audio_key),
                                 cover_key=cover_key, metadata={"name": "Owned", "artists": ["Owner Test"], "bpm": 120,
                                                                "key": "A", "scale": "minor", "genres": ["Trap"]})
    wait_until(lambda: catalog.get_track(track_id=track["id"], actor_id=producer)["status"] == "published", 90,
               "the track published by audio's verdict")
    renditions = keys_for(track["id"]).all()
    assert all(media.exists(key) for key in renditions)

    audio_service.stop()  # whatever happens to the renditions now, catalog does it alone
    catalog.delete_track(actor_id=producer, track_id=track["id"])
    assert not media.exists(audio_key) and not media.exists(cover_key)  # catalog's, deleted once committed
    time.sleep(1.0)
    assert all(media.exists(key) for key in renditions), "catalog deleted renditions, which audio owns"

    platform["start_audio"]()  # audio consumes the waiting track_deleted and deletes what it made
    wait_until(lambda: not any(media.exists(key) for key in renditions), 30, "the renditions deleted by audio")
    assert not media.path(renditions[0]).parent.exists()
