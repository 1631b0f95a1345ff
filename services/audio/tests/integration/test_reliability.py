"""Exactly one answer per upload, whatever happens: redelivery, a file not yet in the store, a
worker process killed in the middle of a file."""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from kombu import Connection
from sqlalchemy import func, select

from devtools.audio import beat
from services.audio.models import StoredFingerprint
from services.audio.tests.integration.conftest import write_audio
from services.common.config import ROOT
from services.common.media import MediaStore
from services.contracts.events import TRACK_UPLOADED

pytestmark = pytest.mark.integration


def fingerprint_count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(StoredFingerprint))


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def consumers_of(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).consumer_count


def messages_in(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def test_a_redelivered_upload_event_changes_nothing(amqp_uri, audio, uploads, bus, engine, tmp_path):
    event = uploads.upload(write_audio(tmp_path / "beat.wav", beat(12.0, seed=21)))
    assert bus.answer_for(event["track_id"])["type"] == "audio_validated"
    bus.publish_body(TRACK_UPLOADED, event)  # the same event again (same event_id)
    assert bus.answers_for(event["track_id"], timeout=5) == []
    queue = TRACK_UPLOADED.queue_name("audio")
    # an earlier test's retries may still pass through these shared queues: they must drain, none parked
    wait_for(lambda: [messages_in(amqp_uri, name) for name in (queue, f"{queue}.retry", f"{queue}.dead")] == [0, 0, 0],
             30, "the upload queues to drain with nothing parked")
    assert fingerprint_count(engine) == 1


def test_an_upload_not_yet_in_the_media_store_is_retried_until_it_is(fast_retries, audio, uploads, bus, media,
                                                                     tmp_path):
    key = MediaStore.new_key("uploads", ".wav")
    payload = {"track_id": str(uuid.uuid4()), "producer_user_id": str(uuid.uuid4()),
               "artist_id": str(uuid.uuid4()), "audio_key": key, "size_bytes": 1}
    bus.publish(TRACK_UPLOADED, payload)
    assert bus.answers_for(payload["track_id"], timeout=1.5) == []  # failed, waiting in the retry queue
    media.save_bytes(key, write_audio(tmp_path / "late.wav", beat(12.0, seed=22)).read_bytes())
    answers = bus.answers_for(payload["track_id"], timeout=60, settle=2)
    assert [a["type"] for a in answers] == ["audio_validated"]




def test_a_worker_killed_mid_file_leaves_the_job_to_another_which_answers_once(amqp_uri, audio_db, media, bus,
                                                                             uploads, start_audio, engine,
                                                                             tmp_path):
    started = tmp_path / "started"
    env = {**os.environ, "AMQP_URI": amqp_uri, "AUDIO_DATABASE_URL": audio_db, "MEDIA_ROOT": str(media.root),
           "AUDIO_TEST_STARTED": str(started), "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "worker.log", "wb")
    first = subprocess.Popen([sys.executable, "-m", "services.audio.tests.integration.hanging_worker"],
                             cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        queue = TRACK_UPLOADED.queue_name("audio")
        wait_for(lambda: consumers_of(amqp_uri, queue) == 1, 60, "the first worker to consume")
        event = uploads.upload(write_audio(tmp_path / "beat.wav", beat(12.0, seed=23)))
        wait_for(started.exists, 30, "the first worker to start on the file")

        start_audio()  # the second worker: the message is unacked by the first, so not delivered to it yet
        wait_for(lambda: consumers_of(amqp_uri, queue) == 2, 30, "the second worker to consume")
        assert bus.answers_for(event["track_id"], timeout=2) == []
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        answers = bus.answers_for(event["track_id"], expected=1, timeout=60, settle=3)
        assert [a["type"] for a in answers] == ["audio_validated"], answers
        assert fingerprint_count(engine) == 1
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
        log.close()
