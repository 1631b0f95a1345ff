"""Every upload is fingerprinted: a copy of another producer's track is rejected naming the
original, a producer may re-upload their own recording, and a deleted track is forgotten."""
import time
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from devtools.audio import beat
from services.audio import fingerprints
from services.audio.models import DeletedTrack, StoredFingerprint
from services.audio.tests.integration.conftest import write_audio
from services.contracts.events import TRACK_UPLOADED

pytestmark = pytest.mark.integration


def producer() -> str:
    return str(uuid.uuid4())


def deleted_marked(engine, track_id: str) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(DeletedTrack.track_id).where(DeletedTrack.track_id == track_id)).first() \
            is not None


def stored_track_ids(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(StoredFingerprint.track_id)))


def test_another_producers_copy_is_a_duplicate_and_the_owner_may_upload_it_again(audio, uploads, bus, media,
                                                                                engine, tmp_path):
    recording = beat(12.0, seed=11)
    a, b = producer(), producer()
    original = uploads.upload(write_audio(tmp_path / "a.wav", recording), a)
    assert bus.answer_for(original["track_id"])["type"] == "audio_validated"

    copy = uploads.upload(write_audio(tmp_path / "b.flac", recording, fmt="FLAC"), b, suffix=".flac")
    answer = bus.answer_for(copy["track_id"])
    assert (answer["type"], answer["code"]) == ("audio_rejected", "duplicate"), answer
    assert answer["details"] == {"duplicate_of_track_id": original["track_id"]}
    assert original["track_id"] in answer["message"]
    assert [k for k in media.keys("renditions") if copy["track_id"] in k] == []  # written, then removed

    again = uploads.upload(write_audio(tmp_path / "a2.wav", recording), a)
    assert bus.answer_for(again["track_id"])["type"] == "audio_validated"
    assert stored_track_ids(engine) == {original["track_id"], again["track_id"]}


def test_a_quieter_noisier_copy_is_still_a_duplicate_and_other_music_is_not(audio, uploads, bus, tmp_path):
    recording = beat(15.0, seed=12)  # match() needs 10 s of overlapping fingerprint: ~13 s of audio
    original = uploads.upload(write_audio(tmp_path / "a.wav", recording), producer())
    assert bus.answer_for(original["track_id"])["type"] == "audio_validated"

    altered = 0.7 * recording + np.random.default_rng(0).normal(0, 0.003, recording.shape)
    copy = uploads.upload(write_audio(tmp_path / "b.wav", altered), producer())
    answer = bus.answer_for(copy["track_id"])
    assert (answer["type"], answer.get("code")) == ("audio_rejected", "duplicate"), answer
    assert answer["details"]["duplicate_of_track_id"] == original["track_id"]

    other = uploads.upload(write_audio(tmp_path / "c.wav", beat(15.0, seed=13)), producer())
    assert bus.answer_for(other["track_id"])["type"] == "audio_validated"


def test_a_deleted_track_is_forgotten_so_its_recording_may_be_uploaded_by_someone_else(audio, uploads, bus, media,
                                                                                     engine, tmp_path):
    recording = beat(12.0, seed=14)
    a, b = producer(), producer()
    original = uploads.upload(write_audio(tmp_path / "a.wav", recording), a)
    validated = bus.answer_for(original["track_id"])
    assert validated["type"] == "audio_validated"
    assert media.exists(validated["stream_key"])

    uploads.delete(original["track_id"], a)
    deadline = time.monotonic() + 30
    while original["track_id"] in stored_track_ids(engine) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored_track_ids(engine) == set()
    assert [k for k in media.keys("renditions") if original["track_id"] in k] == []

    later = uploads.upload(write_audio(tmp_path / "b.wav", recording), b)
    assert bus.answer_for(later["track_id"])["type"] == "audio_validated"


def test_two_producers_uploading_the_same_recording_at_once_get_one_validation(start_audio, uploads, bus, engine,
                                                                              tmp_path, monkeypatch):
    check = fingerprints.find_duplicate

    def slow_check(*args):  # widen the window between the check and the commit
        found = check(*args)
        time.sleep(1.0)
        return found

    monkeypatch.setattr(fingerprints, "find_duplicate", slow_check)
    start_audio(), start_audio()  # two replicas; each works on two files at once
    recording = beat(12.0, seed=15)
    first = uploads.event(uploads.put(write_audio(tmp_path / "a.wav", recording)), producer())
    second = uploads.event(uploads.put(write_audio(tmp_path / "b.wav", recording)), producer())
    for payload in (first, second):
        uploads.bus.publish(TRACK_UPLOADED, payload)
    answers = [bus.answer_for(first["track_id"]), bus.answer_for(second["track_id"])]
    assert sorted(a["type"] for a in answers) == ["audio_rejected", "audio_validated"], answers
    [validated] = [a for a in answers if a["type"] == "audio_validated"]
    [rejected] = [a for a in answers if a["type"] == "audio_rejected"]
    assert rejected["details"] == {"duplicate_of_track_id": validated["track_id"]}
    assert stored_track_ids(engine) == {validated["track_id"]}


def test_a_track_deleted_while_its_upload_waits_keeps_no_fingerprint(audio, uploads, bus, media, engine, tmp_path):
    """The deletion can overtake the validation: the late validation must then store nothing."""
    recording = beat(12.0, seed=15)
    owner = producer()
    key = uploads.put(write_audio(tmp_path / "gone.wav", recording), ".wav")
    event = uploads.event(key, owner)
    uploads.delete(event["track_id"], owner)  # the catalog deleted the track…
    deadline = time.monotonic() + 30
    while not deleted_marked(engine, event["track_id"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    bus.publish(TRACK_UPLOADED, event)  # …before audio got to its upload
    assert bus.answers_for(event["track_id"], timeout=8) == []
    assert event["track_id"] not in stored_track_ids(engine)
    assert [k for k in media.keys("renditions") if event["track_id"] in k] == []
    # and the recording stays free for anyone
    later = uploads.upload(write_audio(tmp_path / "again.wav", recording), producer())
    assert bus.answer_for(later["track_id"])["type"] == "audio_validated"
