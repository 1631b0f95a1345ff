"""Every metadata rule of docs/rpc-catalog.md, judged without I/O: each failure names its field."""
import uuid

import pytest

from services.catalog.tracks import schemas
from services.contracts.errors import InvalidField

VALID = {"name": "Night Drive", "artists": ["DJ Test"], "bpm": 120, "key": "A", "scale": "minor",
         "cover_preset": "Trap"}
EXCLUSIVE = {"price_cents": 50000, "currency": "CAD", "contact_email": "me@example.com", "status": "private"}


def fields_of(call) -> list[str]:
    with pytest.raises(InvalidField) as caught:
        call()
    return sorted(caught.value.details)


def test_valid_metadata_loads_with_defaults():
    loaded = schemas.load_track_metadata({**VALID, "name": "  Night Drive  "})
    assert loaded["name"] == "Night Drive"
    assert (loaded["licensing_model"], loaded["collaborators"], loaded["collection_id"]) == ("standard", [], None)


@pytest.mark.parametrize("bpm, ok", [(49, False), (50, True), (200, True), (201, False), (120.5, False),
                                     ("120", False), (True, False)])
def test_bpm_is_an_integer_from_50_to_200(bpm, ok):
    data = {**VALID, "bpm": bpm}
    if ok:
        assert schemas.load_track_metadata(data)["bpm"] == bpm
    else:
        assert fields_of(lambda: schemas.load_track_metadata(data)) == ["bpm"]


@pytest.mark.parametrize("key", ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"])
def test_every_key_is_accepted(key):
    assert schemas.load_track_metadata({**VALID, "key": key})["key"] == key


@pytest.mark.parametrize("field, value", [
    ("key", "Db"), ("key", "a"), ("scale", "Minor"), ("scale", "dorian"), ("name", ""), ("name", "n" * 201),
    ("artists", ["a" * 101]), ("tags", ["t"] * 21), ("genres", ["g"] * 21), ("description", "d" * 5001),
    ("licensing_model", "lease"), ("sample_clearance", "unknown"), ("collection_id", "nope"),
    ("collaborators", ["not-a-uuid"]), ("collaborators", [str(uuid.uuid4())] * 21),
])
def test_each_field_rule(field, value):
    assert fields_of(lambda: schemas.load_track_metadata({**VALID, field: value})) == [field]


@pytest.mark.parametrize("missing", ["name", "bpm", "key", "scale"])
def test_required_fields(missing):
    data = {key: value for key, value in VALID.items() if key != missing}
    assert fields_of(lambda: schemas.load_track_metadata(data)) == [missing]


def test_unknown_fields_are_refused():
    assert fields_of(lambda: schemas.load_track_metadata({**VALID, "status": "published"})) == ["status"]


@pytest.mark.parametrize("model", ["standard_exclusive", "exclusive_only"])
def test_exclusive_terms_are_required_unless_standard(model):
    assert fields_of(lambda: schemas.load_track_metadata({**VALID, "licensing_model": model})) == ["exclusive"]
    loaded = schemas.load_track_metadata({**VALID, "licensing_model": model, "exclusive": EXCLUSIVE})
    assert loaded["exclusive"] == EXCLUSIVE


def test_standard_tracks_have_no_exclusive_terms():
    assert fields_of(lambda: schemas.load_track_metadata({**VALID, "exclusive": EXCLUSIVE})) == ["exclusive"]


@pytest.mark.parametrize("field, value", [
    ("price_cents", 0), ("price_cents", -5), ("price_cents", "100"), ("currency", "JPY"), ("currency", "usd"),
    ("contact_email", "not-an-email"), ("status", "Sold"),
])
def test_each_exclusive_rule_names_the_nested_field(field, value):
    data = {**VALID, "licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, field: value}}
    assert fields_of(lambda: schemas.load_track_metadata(data)) == [f"exclusive.{field}"]


@pytest.mark.parametrize("currency", ["USD", "EUR", "GBP", "CAD"])
def test_every_currency_is_accepted(currency):
    data = {**VALID, "licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, "currency": currency}}
    assert schemas.load_track_metadata(data)["exclusive"]["currency"] == currency


def test_changes_are_partial_but_still_checked():
    assert schemas.load_track_changes({"bpm": 90}) == {"bpm": 90}
    assert fields_of(lambda: schemas.load_track_changes({"collaborators": []})) == ["collaborators"]
    assert fields_of(lambda: schemas.load_track_changes({"licensing_model": "exclusive_only"})) == ["exclusive"]


def test_exclusive_problem_judges_a_merged_track():
    assert schemas.exclusive_problem("standard", None) is None
    assert list(schemas.exclusive_problem("exclusive_only", None).details) == ["exclusive"]


@pytest.mark.parametrize("filters, field", [
    ({"bpm_min": 150, "bpm_max": 100}, "filters.bpm_max"), ({"bpm_min": "fast"}, "filters.bpm_min"),
    ({"scale": "lydian"}, "filters.scale"), ({"genre": ""}, "filters.genre"), ({"extra": 1}, "filters.extra"),
    ({"licensing": "free"}, "filters.licensing"), ({"licensing": "available"}, "filters.licensing"),
])
def test_list_filters(filters, field):
    assert fields_of(lambda: schemas.load_track_query(filters, "newest", None, 20)) == [field]


@pytest.mark.parametrize("licensing", ["standard", "standard_exclusive", "exclusive_only", "exclusive_available"])
def test_the_licensing_filter_takes_a_model_or_exclusive_available(licensing):
    assert schemas.load_track_query({"licensing": licensing}, "newest", None, 20).filters == {"licensing": licensing}


def test_an_unknown_licensing_filter_names_the_values_it_takes():
    with pytest.raises(InvalidField) as caught:
        schemas.load_track_query({"licensing": "free"}, "newest", None, 20)
    assert caught.value.details == {"filters.licensing": [
        "Must be one of: standard, standard_exclusive, exclusive_only, exclusive_available."]}


def test_list_defaults():
    query = schemas.load_track_query(None, "newest", None, None)
    assert (query.filters, query.sort, query.page.limit, query.page.after) == ({}, "newest", 20, None)


def test_payout_tracks_pages_default_to_and_stop_at_a_thousand():
    for limit in (None, 1000):
        assert schemas.load_payout_tracks_page("payout_tracks", None, limit).limit == 1000
    assert schemas.load_payout_tracks_page("payout_tracks", None, 1).limit == 1
    assert fields_of(lambda: schemas.load_payout_tracks_page("payout_tracks", None, 1001)) == ["limit"]


def test_upload_arguments():
    assert fields_of(lambda: schemas.load_upload("", -1, None)) == ["audio_key", "size_bytes"]
    assert fields_of(lambda: schemas.load_artist_image("banner", "images/x/y")) == ["kind"]
    assert fields_of(lambda: schemas.load_collection({"name": "x", "cover": "y"})) == ["cover"]


def test_a_new_track_cannot_start_sold():
    data = {**VALID, "licensing_model": "exclusive_only", "exclusive": {**EXCLUSIVE, "status": "sold"}}
    with pytest.raises(InvalidField) as caught:
        schemas.load_track_metadata(data)
    assert list(caught.value.details) == ["exclusive.status"]
    assert "recorded by the platform" in caught.value.details["exclusive.status"][0]


def test_a_stems_manifest_loads_as_audio_sends_it():
    manifest = {"members": [{"name": "a.wav", "format": "wav", "sample_rate": 48000, "channels": 2,
                             "bit_depth": None, "duration_s": 60.0}], "size_bytes": 10, "uncompressed_bytes": 20}
    assert schemas.load_stems("stems/2026/12/x.zip", manifest) == {"stems_key": "stems/2026/12/x.zip",
                                                                   "manifest": manifest}
    too_many = {**manifest, "members": manifest["members"] * 65}
    assert fields_of(lambda: schemas.load_stems("stems/x.zip", too_many)) == ["manifest.members"]
