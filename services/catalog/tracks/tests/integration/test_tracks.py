"""Tracks: upload rules, collections, the audio verdicts, visibility and the owner's edits."""
import uuid

import pytest

from services.catalog.conftest import JPEG, PNG, WAV, metadata, validated_payload, wait_until
from services.catalog.tracks.models import Track
from services.common.messaging.models import ProcessedEvent
from services.contracts.errors import Forbidden, InvalidField, NotFound
from services.contracts.events import AUDIO_REJECTED, AUDIO_VALIDATED, REGISTRY, validate_event

pytestmark = pytest.mark.integration

EXCLUSIVE = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}
TRACK_KEYS = {"id", "name", "artists", "artist_id", "producer_user_id", "collaborators", "bpm", "key", "scale",
              "genres", "tags", "description", "collection_id", "licensing_model", "exclusive", "sample_clearance",
              "cover_preset", "has_cover", "status", "rejection", "audio", "suspected_lossy_source", "play_count",
              "like_count", "repost_count",
              "metadata_completeness", "created_at", "published_at"}


def event_body(event: dict) -> dict:
    return {key: value for key, value in event.items() if key != "type"}


def test_create_track_is_processing_and_emits_track_uploaded(catalog, make_producer, upload, emitted):
    producer = make_producer()
    track = upload(producer, cover=PNG)
    assert set(track) == TRACK_KEYS
    assert (track["status"], track["artist_id"], track["producer_user_id"]) == (
        "processing", producer["artist_id"], producer["user_id"])
    assert track["has_cover"] and track["licensing_model"] == "standard" and track["published_at"] is None
    [event] = emitted.wait("track_uploaded", track["id"])
    validate_event(REGISTRY["track_uploaded"], event_body(event))
    assert (event["artist_id"], event["producer_user_id"], event["size_bytes"]) == (
        producer["artist_id"], producer["user_id"], len(WAV))
    assert event["audio_key"].startswith("uploads/")


def test_only_producers_upload(catalog, upload):
    with pytest.raises(Forbidden):
        upload({"user_id": str(uuid.uuid4())})


@pytest.mark.parametrize("overrides, field", [
    ({"bpm": 49}, "bpm"), ({"bpm": 201}, "bpm"), ({"bpm": "120"}, "bpm"),
    ({"key": "H"}, "key"), ({"key": ...}, "key"), ({"scale": "dorian"}, "scale"),
    ({"name": " "}, "name"), ({"name": "x" * 201}, "name"),
    ({"cover_preset": ...}, "cover"),
    ({"licensing_model": "exclusive_only"}, "exclusive"),
    ({"licensing_model": "standard_exclusive", "exclusive": {**EXCLUSIVE, "contact_email": "nope"}},
     "exclusive.contact_email"),
    ({"licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, "currency": "JPY"}}, "exclusive.currency"),
    ({"licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, "price_cents": 0}}, "exclusive.price_cents"),
    ({"licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, "status": "gone"}}, "exclusive.status"),
    ({"licensing_model": "lease"}, "licensing_model"),
    ({"exclusive": EXCLUSIVE}, "exclusive"),
    ({"sample_clearance": "maybe"}, "sample_clearance"),
    ({"tags": ["t"] * 21}, "tags"), ({"genres": ["g"] * 21}, "genres"),
    ({"description": "d" * 5001}, "description"),
    ({"artists": ...}, "artists"), ({"artists": []}, "artists"),
    ({"collaborators": [str(uuid.uuid4())]}, "collaborators"), ({"collaborators": ["x"]}, "collaborators"),
    ({"status": "published"}, "status"),
])
def test_each_metadata_rule_names_its_field(catalog, make_producer, upload, overrides, field):
    with pytest.raises(InvalidField) as caught:
        upload(make_producer(), **overrides)
    assert list(caught.value.details) == [field]


def test_a_cover_file_must_be_an_image(catalog, make_producer, upload):
    with pytest.raises(InvalidField) as caught:
        upload(make_producer(), cover=b"<html>not an image</html>", cover_preset=...)
    assert list(caught.value.details) == ["cover"]


def test_collaborators_must_not_be_the_uploader(catalog, make_producer, upload):
    producer = make_producer()
    with pytest.raises(InvalidField) as caught:
        upload(producer, collaborators=[producer["artist_id"]])
    assert list(caught.value.details) == ["collaborators"]


def test_an_exclusive_track_is_accepted_and_hides_the_contact_email_from_others(
        catalog, make_producer, upload, publish_track):
    producer = make_producer()
    track = upload(producer, licensing_model="standard_exclusive", exclusive=EXCLUSIVE)
    assert track["exclusive"] == EXCLUSIVE
    publish_track(track, producer)
    public = catalog.get_track(track_id=track["id"])
    assert public["exclusive"] == {key: value for key, value in EXCLUSIVE.items() if key != "contact_email"}


def test_collections_need_a_cover_and_their_tracks_inherit(catalog, make_producer, upload, store_file):
    producer = make_producer()
    data = {"name": "Tape 1", "artists": ["DJ Test", "MC Guest"], "genres": ["Lo-fi"], "tags": ["chill", "tape"]}
    with pytest.raises(InvalidField) as caught:
        catalog.create_collection(actor_id=producer["user_id"], data=data, cover_key=None)
    assert list(caught.value.details) == ["cover"]
    with pytest.raises(Forbidden):
        catalog.create_collection(actor_id=str(uuid.uuid4()), data=data, cover_key=store_file("covers", PNG))
    collection = catalog.create_collection(actor_id=producer["user_id"], data=data,
                                           cover_key=store_file("covers", JPEG))
    track = upload(producer, collection_id=collection["id"], artists=..., genres=..., tags=..., cover_preset=...)
    assert (track["artists"], track["genres"], track["tags"]) == (["DJ Test", "MC Guest"], ["Lo-fi"], ["chill", "tape"])
    assert track["has_cover"] and track["collection_id"] == collection["id"]
    assert catalog.cover_source(track_id=track["id"])["content_type"] == "image/jpeg"
    given = upload(producer, collection_id=collection["id"], tags=["own"], cover_preset=...)
    assert given["tags"] == ["own"] and given["genres"] == ["Trap"]
    # the collection's tracks: all for its owner, the published ones for everyone else
    assert catalog.get_collection(collection_id=collection["id"], actor_id=producer["user_id"])["track_ids"] == [
        track["id"], given["id"]]
    assert catalog.get_collection(collection_id=collection["id"])["track_ids"] == []
    with pytest.raises(NotFound):
        upload(make_producer(), collection_id=collection["id"])  # someone else's collection


def test_audio_validated_publishes_and_emits(catalog, make_producer, upload, bus, store_file, emitted):
    producer, first, second = make_producer(), make_producer("Guest One"), make_producer("Guest Two")
    track = upload(producer, cover=PNG, collaborators=[first["artist_id"], second["artist_id"]],
                   description="A moody beat", sample_clearance="cleared")
    payload = validated_payload(track["id"], store_file)
    body = bus.publish(AUDIO_VALIDATED, payload)
    published = wait_status(catalog, track["id"], producer["user_id"], "published")
    assert published["audio"] == {"format": "wav", "duration_s": 180.5, "sample_rate": 44100, "bit_depth": 24,
                                  "channels": 2, "loudness_lufs": -9.5, "true_peak_dbtp": -0.3}
    assert published["published_at"] is not None and published["metadata_completeness"] >= 0.8
    assert catalog.stream_source(track_id=track["id"]) == {"key": payload["stream_key"], "content_type": "audio/mpeg"}
    assert catalog.waveform_source(track_id=track["id"]) == {"key": payload["waveform_key"],
                                                             "content_type": "application/json"}
    [event] = emitted.wait("track_published", track["id"])
    validate_event(REGISTRY["track_published"], event_body(event))
    assert sorted(event["collaborator_artist_ids"]) == sorted([first["artist_id"], second["artist_id"]])
    credits = emitted.wait("collaboration_credited", track["id"], count=2)
    assert {c["artist_id"] for c in credits} == {first["artist_id"], second["artist_id"]}
    assert {c["credited_by_artist_id"] for c in credits} == {producer["artist_id"]}
    [completed] = emitted.wait("track_metadata_completed", track["id"])
    assert completed["producer_user_id"] == producer["user_id"]
    # a redelivery, and a second verdict for the same track, change nothing and emit nothing
    bus.publish(AUDIO_VALIDATED, payload, event_id=body["event_id"])
    bus.publish(AUDIO_REJECTED, {"track_id": track["id"], "code": "corrupt", "message": "late"})
    bus.publish(AUDIO_VALIDATED, validated_payload(track["id"], store_file))
    emitted.settle(2.0)
    assert catalog.get_track(track_id=track["id"], actor_id=producer["user_id"]) == published
    assert len(emitted.matching("track_published", track["id"])) == 1
    assert len(emitted.matching("collaboration_credited", track["id"])) == 2
    assert len(emitted.matching("track_rejected", track["id"])) == 0
    # completeness is re-checked on update but the event is still sent once per track
    catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes={"description": "Still moody"})
    emitted.settle()
    assert len(emitted.matching("track_metadata_completed", track["id"])) == 1


def test_metadata_completed_is_emitted_when_an_update_reaches_eighty_percent(
        catalog, make_producer, upload, publish_track, emitted):
    producer = make_producer()
    track = upload(producer)  # 9 of 12 fields: no description, collection or sample clearance
    assert track["metadata_completeness"] == 0.75
    publish_track(track, producer)
    emitted.wait("track_published", track["id"])
    assert emitted.matching("track_metadata_completed", track["id"]) == []
    updated = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                                   changes={"description": "now with a story"})
    assert updated["metadata_completeness"] == round(10 / 12, 4)
    [event] = emitted.wait("track_metadata_completed", track["id"])
    assert event["completeness"] == round(10 / 12, 4)


def test_audio_rejected_rejects_and_deletes_the_files(catalog, make_producer, store_file, bus, emitted, media):
    producer = make_producer()
    audio_key, cover_key = store_file("uploads", WAV, ".wav"), store_file("covers", PNG)
    track = catalog.create_track(actor_id=producer["user_id"], metadata=metadata(), audio_key=audio_key,
                                 size_bytes=len(WAV), cover_key=cover_key)
    bus.publish(AUDIO_REJECTED, {"track_id": track["id"], "code": "lossy_format", "message": "MP3 is not accepted",
                                 "details": {"detected": "mp3"}})
    rejected = wait_status(catalog, track["id"], producer["user_id"], "rejected")
    assert rejected["rejection"] == {"code": "lossy_format", "message": "MP3 is not accepted",
                                     "details": {"detected": "mp3"}}
    assert not media.exists(audio_key) and not media.exists(cover_key)
    [event] = emitted.wait("track_rejected", track["id"])
    assert (event["code"], event["producer_user_id"]) == ("lossy_format", producer["user_id"])
    with pytest.raises(NotFound):
        catalog.get_track(track_id=track["id"])
    with pytest.raises(NotFound):
        catalog.cover_source(track_id=track["id"])


def test_unpublished_tracks_are_visible_only_to_their_owner(catalog, make_producer, upload):
    producer, other = make_producer(), make_producer()
    track = upload(producer)
    assert catalog.get_track(track_id=track["id"], actor_id=producer["user_id"])["id"] == track["id"]
    for actor in (None, other["user_id"]):
        with pytest.raises(NotFound):
            catalog.get_track(track_id=track["id"], actor_id=actor)
    for source in (catalog.stream_source, catalog.waveform_source):
        with pytest.raises(NotFound):
            source(track_id=track["id"])
    assert catalog.cover_source(track_id=track["id"]) == {"key": "presets/v1/trap-1.jpg", "content_type": "image/jpeg",
                                                          "preset": "trap-1"}
    for call in (lambda: catalog.update_track(actor_id=other["user_id"], track_id=track["id"], changes={"bpm": 90}),
                 lambda: catalog.delete_track(actor_id=other["user_id"], track_id=track["id"])):
        with pytest.raises(NotFound):
            call()


def test_only_the_owner_updates_a_published_track(catalog, make_producer, upload, publish_track):
    producer, other = make_producer(), make_producer()
    track = upload(producer)
    publish_track(track, producer)
    with pytest.raises(Forbidden):
        catalog.update_track(actor_id=other["user_id"], track_id=track["id"], changes={"bpm": 90})
    updated = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                                   changes={"bpm": 90, "name": "Renamed", "genres": ["Drill"],
                                            "licensing_model": "exclusive_only", "exclusive": EXCLUSIVE})
    assert (updated["bpm"], updated["name"], updated["genres"], updated["licensing_model"]) == (
        90, "Renamed", ["Drill"], "exclusive_only")
    for changes, field in (({"bpm": 300}, "bpm"), ({"licensing_model": "standard_exclusive",
                                                     "exclusive": None}, "exclusive"),
                           ({"collection_id": str(uuid.uuid4())}, "collection_id"), ({"artists": []}, "artists")):
        with pytest.raises(InvalidField) as caught:
            catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes=changes)
        assert list(caught.value.details) == [field]
    back = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                                changes={"licensing_model": "standard"})
    assert back["exclusive"] is None


def test_delete_removes_its_own_files_and_emits_track_deleted(catalog, make_producer, store_file, bus, emitted,
                                                              media):
    """Catalog deletes the upload and cover it owns; the renditions are audio's, deleted on ``track_deleted``
    (tests/integration/test_media_ownership.py runs both)."""
    producer, other = make_producer(), make_producer()
    audio_key, cover_key = store_file("uploads", WAV, ".wav"), store_file("covers", PNG)
    track = catalog.create_track(actor_id=producer["user_id"], metadata=metadata(), audio_key=audio_key,
                                 size_bytes=len(WAV), cover_key=cover_key)
    payload = validated_payload(track["id"], store_file)
    bus.publish(AUDIO_VALIDATED, payload)
    wait_status(catalog, track["id"], producer["user_id"], "published")
    with pytest.raises(Forbidden):
        catalog.delete_track(actor_id=other["user_id"], track_id=track["id"])
    assert catalog.delete_track(actor_id=producer["user_id"], track_id=track["id"]) is None
    assert [key for key in (audio_key, cover_key) if media.exists(key)] == []
    renditions = [payload["stream_key"], payload["download_key"], payload["waveform_key"]]
    assert all(media.exists(key) for key in renditions)  # left to audio
    [event] = emitted.wait("track_deleted", track["id"])
    assert event["producer_user_id"] == producer["user_id"]
    with pytest.raises(NotFound):
        catalog.get_track(track_id=track["id"], actor_id=producer["user_id"])
    with pytest.raises(NotFound):
        catalog.delete_track(actor_id=producer["user_id"], track_id=track["id"])


def test_verdicts_for_a_deleted_track_are_ignored_and_leave_the_renditions_to_audio(catalog, make_producer, upload,
                                                                                     bus, store_file, emitted, media,
                                                                                     uow):
    producer = make_producer()
    track = upload(producer)
    catalog.delete_track(actor_id=producer["user_id"], track_id=track["id"])
    payload = validated_payload(track["id"], store_file)
    verdict = bus.publish(AUDIO_VALIDATED, payload)
    wait_until(lambda: handled(uow, "catalog.on_audio_validated", verdict["event_id"]))
    emitted.settle()
    assert emitted.matching("track_published", track["id"]) == []
    # the deletion's own track_deleted has audio discard them: catalog neither deletes nor asks twice
    assert len(emitted.matching("track_deleted", track["id"])) == 1
    assert all(media.exists(payload[key]) for key in ("stream_key", "download_key", "waveform_key"))


def wait_status(catalog, track_id: str, owner_id: str, status: str) -> dict:
    def reached() -> dict | None:
        track = catalog.get_track(track_id=track_id, actor_id=owner_id)
        return track if track["status"] == status else None

    return wait_until(reached)


def handled(uow, consumer: str, event_id: str) -> bool:
    uow.session.rollback()  # a fresh snapshot: the consumer commits in its own transaction
    return uow.session.get(ProcessedEvent, (consumer, event_id)) is not None


def test_the_producer_switches_available_and_private_but_never_sets_sold(catalog, make_producer, upload,
                                                                         publish_track):
    producer = make_producer()
    track = upload(producer, licensing_model="standard_exclusive", exclusive=EXCLUSIVE)
    publish_track(track, producer)
    private = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                                   changes={"exclusive": {**EXCLUSIVE, "status": "private"}})
    assert private["exclusive"]["status"] == "private"
    with pytest.raises(InvalidField) as caught:
        catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                             changes={"exclusive": {**EXCLUSIVE, "status": "sold"}})
    assert list(caught.value.details) == ["exclusive.status"]
    assert "recorded by the platform when a buyer pays" in caught.value.details["exclusive.status"][0]
    again = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes={"exclusive": EXCLUSIVE})
    assert again["exclusive"]["status"] == "available"
    with pytest.raises(InvalidField) as caught:
        upload(producer, licensing_model="exclusive_only", exclusive={**EXCLUSIVE, "status": "sold"})
    assert list(caught.value.details) == ["exclusive.status"]


def test_a_sold_exclusive_cannot_be_changed_or_dropped_by_the_producer(catalog, make_producer, upload,
                                                                       publish_track, uow):
    producer = make_producer()
    track = upload(producer, licensing_model="standard_exclusive", exclusive=EXCLUSIVE)
    publish_track(track, producer)
    mark_sold(uow, track["id"])
    for changes in ({"exclusive": EXCLUSIVE}, {"exclusive": {**EXCLUSIVE, "status": "private"}},
                    {"licensing_model": "standard"}, {"licensing_model": "standard", "exclusive": None}):
        with pytest.raises(InvalidField) as caught:
            catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes=changes)
        assert list(caught.value.details) == ["exclusive.status"], changes
        assert "only a refund" in caught.value.details["exclusive.status"][0]
    # other edits, and the terms with the status left sold, still go through
    kept = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes={
        "bpm": 95, "exclusive": {**EXCLUSIVE, "contact_email": "new@example.com", "status": "sold"}})
    assert (kept["bpm"], kept["exclusive"]["status"], kept["exclusive"]["contact_email"]) == (
        95, "sold", "new@example.com")


def mark_sold(uow, track_id: str) -> None:
    """What exclusive_sold does (services/catalog/tracks/sales.py), written directly."""
    row = uow.session.get(Track, track_id)
    row.exclusive = {**row.exclusive, "status": "sold"}
    uow.commit()
