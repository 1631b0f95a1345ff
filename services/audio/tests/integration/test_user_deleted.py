"""``user_deleted``: the deleted producer's id leaves audio's fingerprints (replaced by an id of no one),
their recordings still count as someone else's for the duplicate check, and a second delivery changes nothing."""
import time
import uuid

import pytest
from sqlalchemy import select

from devtools.audio import beat
from services.audio.models import StoredFingerprint
from services.audio.tests.integration.conftest import write_audio
from services.common.messaging.models import ProcessedEvent
from services.contracts.events import USER_DELETED

pytestmark = pytest.mark.integration

CONSUMER = "audio.on_user_deleted"


def owners(engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(StoredFingerprint.track_id, StoredFingerprint.producer_user_id)).all())


def handled(engine, event_id: str) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(ProcessedEvent.event_id).where(
            ProcessedEvent.consumer == CONSUMER, ProcessedEvent.event_id == event_id)).first() is not None


def wait_handled(engine, event_id: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not handled(engine, event_id):
        assert time.monotonic() < deadline, f"user_deleted {event_id} not handled within {timeout} s"
        time.sleep(0.05)


def test_the_deleted_producers_fingerprints_are_anonymised_once(audio, uploads, bus, engine, tmp_path):
    leaving, staying = str(uuid.uuid4()), str(uuid.uuid4())
    recording = beat(12.0, seed=41)
    theirs = uploads.upload(write_audio(tmp_path / "a.wav", recording), leaving)
    kept = uploads.upload(write_audio(tmp_path / "b.wav", beat(12.0, seed=42)), staying)
    for upload in (theirs, kept):
        assert bus.answer_for(upload["track_id"])["type"] == "audio_validated"

    first = bus.publish(USER_DELETED, {"user_id": leaving})
    wait_handled(engine, first["event_id"])
    after = owners(engine)
    assert after[kept["track_id"]] == staying
    pseudonym = after[theirs["track_id"]]
    assert pseudonym not in (leaving, staying) and uuid.UUID(pseudonym)

    # the withdrawn recording still blocks copies, whoever uploads them
    copy = uploads.upload(write_audio(tmp_path / "c.wav", recording), str(uuid.uuid4()))
    answer = bus.answer_for(copy["track_id"])
    assert (answer["type"], answer["code"]) == ("audio_rejected", "duplicate")

    bus.publish_body(USER_DELETED, first)  # redelivered
    second = bus.publish(USER_DELETED, {"user_id": leaving})  # sent again under a new id
    wait_handled(engine, second["event_id"])
    time.sleep(1.0)  # workers run concurrently: let the redelivery finish too
    assert owners(engine) == after


def test_someone_with_no_fingerprint_is_handled_too(audio, bus, engine):
    body = bus.publish(USER_DELETED, {"user_id": str(uuid.uuid4())})
    wait_handled(engine, body["event_id"])
    assert owners(engine) == {}
