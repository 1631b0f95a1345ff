"""What catalog tells licensing about a track (``licensing_facts``) and the stems a producer attaches."""
import uuid

import pytest
from sqlalchemy import update

from services.catalog.conftest import validated_payload, wait_until
from services.catalog.tracks import artists
from services.catalog.tracks.models import Track
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound
from services.contracts.events import AUDIO_REJECTED, AUDIO_VALIDATED
from services.contracts.rpc.catalog import LicensingFacts

pytestmark = pytest.mark.integration

EXCLUSIVE = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}
FACT_KEYS = set(LicensingFacts().fields)
MANIFEST = {"members": [{"name": "drums.wav", "format": "wav", "sample_rate": 44100, "channels": 2, "bit_depth": 24,
                         "duration_s": 180.2},
                        {"name": "bass.flac", "format": "flac", "sample_rate": 44100, "channels": 1,
                         "bit_depth": 16, "duration_s": 180.4}],
            "size_bytes": 2048, "uncompressed_bytes": 4096}
ZIP = b"PK\x03\x04" + b"\x00" * 64


def publish(catalog, bus, store_file, track: dict, owner: dict) -> dict:
    """audio_validated for ``track``; returns the payload once catalog published the track."""
    payload = validated_payload(track["id"], store_file)
    bus.publish(AUDIO_VALIDATED, payload)
    wait_until(lambda: catalog.get_track(track_id=track["id"], actor_id=owner["user_id"])["status"] == "published")
    return payload


# --- licensing_facts ---------------------------------------------------------------------------------

def test_a_processing_track_reports_its_upload_and_nothing_audio_makes(catalog, make_producer, upload):
    producer = make_producer()
    track = upload(producer)
    facts = catalog.licensing_facts(track_id=track["id"])
    assert set(facts) == FACT_KEYS
    assert (facts["status"], facts["withdrawn"], facts["owner_user_ids"]) == ("processing", False,
                                                                              [producer["user_id"]])
    assert facts["original"]["key"].startswith("uploads/") and facts["original"]["key"].endswith(".wav")
    assert (facts["original"]["format"], facts["original"]["content_type"]) == ("wav", "audio/wav")
    assert (facts["mp3_320"], facts["stems"], facts["exclusive"], facts["fingerprint_hash"]) == (
        None, None, None, None)


def test_a_published_track_reports_its_files_owners_and_exclusive_without_the_email(
        catalog, make_producer, upload, bus, store_file, uow):
    producer, collaborator = make_producer("Main"), make_producer("Guest")
    unclaimed = artists.create_unclaimed(uow, "Old Legend")
    uow.commit()
    track = upload(producer, collaborators=[collaborator["artist_id"], unclaimed["id"]],
                   licensing_model="standard_exclusive", exclusive=EXCLUSIVE)
    payload = publish(catalog, bus, store_file, track, producer)
    facts = catalog.licensing_facts(track_id=track["id"])
    assert facts == {
        "track_id": track["id"], "name": "Night Drive", "status": "published", "withdrawn": False,
        "artist_id": producer["artist_id"], "artist_name": "Main", "producer_user_id": producer["user_id"],
        "owner_user_ids": [producer["user_id"], collaborator["user_id"]],
        "licensing_model": "standard_exclusive",
        "exclusive": {"price_cents": 50000, "currency": "USD", "status": "available"},
        "original": {"key": facts["original"]["key"], "format": "wav", "content_type": "audio/wav"},
        "mp3_320": {"key": payload["download_key"], "content_type": "audio/mpeg"},
        "stems": None, "fingerprint_hash": payload["fingerprint_hash"]}


def test_the_original_format_is_what_audio_found_not_the_file_name(catalog, make_producer, store_file, bus):
    producer = make_producer()
    track = catalog.create_track(actor_id=producer["user_id"], metadata={
        "name": "Odd", "artists": ["X"], "bpm": 100, "key": "C", "scale": "major", "cover_preset": "Trap"},
        audio_key=store_file("uploads", b"fLaC" + b"\x00" * 64, ".bin"), size_bytes=68)
    original = catalog.licensing_facts(track_id=track["id"])["original"]
    assert (original["format"], original["content_type"]) == (None, "application/octet-stream")
    payload = {**validated_payload(track["id"], store_file), "format": "flac"}
    bus.publish(AUDIO_VALIDATED, payload)
    wait_until(lambda: catalog.licensing_facts(track_id=track["id"])["status"] == "published")
    original = catalog.licensing_facts(track_id=track["id"])["original"]
    assert (original["format"], original["content_type"]) == ("flac", "audio/flac")


def test_a_rejected_track_has_no_original_any_more(catalog, make_producer, upload, bus):
    producer = make_producer()
    track = upload(producer)
    bus.publish(AUDIO_REJECTED, {"track_id": track["id"], "code": "lossy_format", "message": "MP3", "details": {}})
    facts = wait_until(lambda: (lambda f: f if f["status"] == "rejected" else None)(
        catalog.licensing_facts(track_id=track["id"])))
    assert facts["original"] is None and facts["mp3_320"] is None


def test_a_withdrawn_track_is_published_and_withdrawn_and_its_uploader_owns_it_no_more(
        catalog, make_producer, upload, bus, store_file, uow):
    producer, collaborator = make_producer(), make_producer()
    track = upload(producer, collaborators=[collaborator["artist_id"]])
    publish(catalog, bus, store_file, track, producer)
    uow.session.execute(update(Track).where(Track.id == track["id"]).values(status="withdrawn",
                                                                             producer_user_id=str(uuid.uuid4())))
    uow.commit()
    facts = catalog.licensing_facts(track_id=track["id"])
    assert (facts["status"], facts["withdrawn"], facts["owner_user_ids"]) == ("published", True,
                                                                              [collaborator["user_id"]])
    assert facts["mp3_320"] is not None  # the files stay for the licences already issued


@pytest.mark.parametrize("track_id", [str(uuid.uuid4()), "not-an-id"])
def test_facts_of_an_unknown_track_are_not_found(catalog, track_id):
    with pytest.raises(NotFound):
        catalog.licensing_facts(track_id=track_id)


# --- attach_stems ------------------------------------------------------------------------------------

def test_the_owner_attaches_stems_and_licensing_sees_them(catalog, make_producer, upload, bus, store_file, media):
    producer = make_producer()
    track = upload(producer)
    publish(catalog, bus, store_file, track, producer)
    key = store_file("stems", ZIP, ".zip")
    attached = catalog.attach_stems(actor_id=producer["user_id"], track_id=track["id"], stems_key=key,
                                    manifest=MANIFEST)
    assert (attached["track_id"], attached["stems"]) == (track["id"], MANIFEST)
    assert attached["uploaded_at"].endswith("+00:00") or attached["uploaded_at"].endswith("Z")
    assert catalog.licensing_facts(track_id=track["id"])["stems"] == {
        "key": key, "size_bytes": 2048, "members": MANIFEST["members"]}
    assert media.exists(key)


def test_new_stems_replace_the_old_whose_archive_is_deleted_and_deleting_the_track_deletes_them(
        catalog, make_producer, upload, bus, store_file, media):
    producer = make_producer()
    track = upload(producer)
    publish(catalog, bus, store_file, track, producer)
    first, second = store_file("stems", ZIP, ".zip"), store_file("stems", ZIP, ".zip")
    catalog.attach_stems(actor_id=producer["user_id"], track_id=track["id"], stems_key=first, manifest=MANIFEST)
    catalog.attach_stems(actor_id=producer["user_id"], track_id=track["id"], stems_key=second,
                         manifest={**MANIFEST, "size_bytes": 99})
    assert not media.exists(first) and media.exists(second)
    assert catalog.licensing_facts(track_id=track["id"])["stems"]["size_bytes"] == 99
    catalog.attach_stems(actor_id=producer["user_id"], track_id=track["id"], stems_key=second, manifest=MANIFEST)
    assert media.exists(second)  # the same archive again is not deleted under itself
    catalog.delete_track(actor_id=producer["user_id"], track_id=track["id"])
    assert not media.exists(second)


def test_only_the_owner_attaches_stems_and_only_to_a_published_track(catalog, make_producer, upload, bus,
                                                                     store_file, media):
    producer, other = make_producer(), make_producer()
    published, processing = upload(producer), upload(producer)
    publish(catalog, bus, store_file, published, producer)
    key = store_file("stems", ZIP, ".zip")
    with pytest.raises(Forbidden):
        catalog.attach_stems(actor_id=other["user_id"], track_id=published["id"], stems_key=key, manifest=MANIFEST)
    with pytest.raises(NotFound):
        catalog.attach_stems(actor_id=other["user_id"], track_id=processing["id"], stems_key=key, manifest=MANIFEST)
    with pytest.raises(NotFound):
        catalog.attach_stems(actor_id=producer["user_id"], track_id=str(uuid.uuid4()), stems_key=key,
                             manifest=MANIFEST)
    with pytest.raises(Conflict):
        catalog.attach_stems(actor_id=producer["user_id"], track_id=processing["id"], stems_key=key,
                             manifest=MANIFEST)
    assert catalog.licensing_facts(track_id=published["id"])["stems"] is None
    assert catalog.licensing_facts(track_id=processing["id"])["stems"] is None
    assert media.exists(key)  # still the gateway's to discard


@pytest.mark.parametrize("manifest, field", [
    ({**MANIFEST, "members": []}, "manifest.members"),
    ({**MANIFEST, "members": [{**MANIFEST["members"][0], "format": "mp3"}]}, "manifest.members"),
    ({**MANIFEST, "members": [{**MANIFEST["members"][0], "sample_rate": "44100"}]},
     "manifest.members"),
    ({key: value for key, value in MANIFEST.items() if key != "size_bytes"}, "manifest.size_bytes"),
    ({**MANIFEST, "extra": 1}, "manifest.extra"),
    ("not a manifest", "manifest"),
])
def test_a_malformed_manifest_is_refused_before_the_owner_check(catalog, make_producer, store_file, manifest,
                                                                field):
    with pytest.raises(InvalidField) as caught:
        catalog.attach_stems(actor_id=make_producer()["user_id"], track_id=str(uuid.uuid4()),
                             stems_key=store_file("stems", ZIP, ".zip"), manifest=manifest)
    assert list(caught.value.details) == [field]


def test_the_stems_key_must_be_an_existing_file_of_the_stems_area(catalog, make_producer, upload, bus, store_file):
    producer = make_producer()
    track = upload(producer)
    publish(catalog, bus, store_file, track, producer)
    for key in ("stems/2026/12/missing.zip", store_file("uploads", ZIP, ".zip"), "../etc/passwd"):
        with pytest.raises(InvalidField) as caught:
            catalog.attach_stems(actor_id=producer["user_id"], track_id=track["id"], stems_key=key,
                                 manifest=MANIFEST)
        assert list(caught.value.details) == ["stems_key"]
