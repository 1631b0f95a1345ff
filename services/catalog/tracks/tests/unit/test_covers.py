"""The genre vocabulary, how free-text genres and ``cover_preset`` values map onto it, and the preset artwork."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from services.catalog.tracks import presets, schemas
from services.contracts.errors import InvalidField, NotFound
from services.contracts.vocabularies import (COVER_PRESET_IDS, GENRES, cover_preset_ids, match_genre,
                                             preset_for_genres, preset_genre, resolve_cover_preset)

REQUIRED_GENRES = {"hip-hop", "trap", "drill", "boom-bap", "r&b", "pop", "afrobeats", "reggaeton", "lo-fi",
                   "electronic", "house", "rock"}


def test_the_vocabulary_has_every_genre_the_platform_promises_with_three_presets_each():
    assert REQUIRED_GENRES <= set(GENRES)
    for genre in GENRES:
        ids = cover_preset_ids(genre)
        assert len(ids) == 3 and all(preset_genre(preset_id) == genre for preset_id in ids)
    assert len(set(COVER_PRESET_IDS)) == 3 * len(GENRES)
    assert cover_preset_ids("r&b") == ("rnb-1", "rnb-2", "rnb-3")  # ids travel in URLs


@pytest.mark.parametrize("text, genre", [
    ("trap", "trap"), ("Trap", "trap"), ("  TRAP ", "trap"), ("Hip-Hop", "hip-hop"), ("hip hop", "hip-hop"),
    ("HIPHOP", "hip-hop"), ("Boom Bap", "boom-bap"), ("boom_bap", "boom-bap"), ("R&B", "r&b"), ("r & b", "r&b"),
    ("RnB", "r&b"), ("Lo-Fi", "lo-fi"), ("lofi", "lo-fi"), ("Afrobeat", "afrobeats"), ("Reggaetón", "reggaeton"),
    ("jazz", None), ("", None), (None, None), ("trap soul", None),
])
def test_a_free_text_genre_matches_the_vocabulary_case_insensitively(text, genre):
    assert match_genre(text) == genre


@pytest.mark.parametrize("value, preset", [
    ("trap-2", "trap-2"), ("TRAP-3", "trap-3"), (" rnb-1 ", "rnb-1"), ("trap", "trap-1"), ("Lo Fi", "lo-fi-1"),
    ("R&B", "rnb-1"), ("trap-4", None), ("jazz", None), ("r&b-1", None), ("", None), (None, None),
])
def test_a_cover_preset_value_names_a_preset_or_a_genre_taking_its_first(value, preset):
    assert resolve_cover_preset(value) == preset


def test_a_fallback_preset_comes_from_the_first_matching_genre_else_the_default():
    assert preset_for_genres(["Jazz", "Boom Bap", "Trap"]) == "boom-bap-1"
    assert preset_for_genres(["jazz"]) == preset_for_genres([]) == "hip-hop-1"


def test_the_catalog_stores_the_preset_id_and_refuses_unknown_presets():
    track = {"name": "N", "artists": ["A"], "bpm": 100, "key": "C", "scale": "major", "cover_preset": "Drill"}
    assert schemas.load_track_metadata(track)["cover_preset"] == "drill-1"
    assert schemas.load_track_changes({"cover_preset": "house-3"})["cover_preset"] == "house-3"
    assert schemas.load_collection({"name": "T", "cover_preset": "pop"})["cover_preset"] == "pop-1"
    assert schemas.load_collection_changes({"cover_preset": "ROCK-2"})["cover_preset"] == "rock-2"
    for load, data in ((schemas.load_track_metadata, {**track, "cover_preset": "jazz"}),
                       (schemas.load_track_changes, {"cover_preset": "trap-9"}),
                       (schemas.load_collection, {"name": "T", "cover_preset": "jazz-1"}),
                       (schemas.load_collection_changes, {"cover_preset": "nope"})):
        with pytest.raises(InvalidField) as caught:
            load(data)
        assert list(caught.value.details) == ["cover_preset"]
    with pytest.raises(NotFound):
        schemas.load_preset_id("jazz-1")


def test_every_preset_is_a_distinct_jpeg_of_at_least_1000_pixels_and_always_the_same():
    digests = set()
    for preset_id in COVER_PRESET_IDS:
        data = presets.render(preset_id)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (1200, 1200)
        digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == len(COVER_PRESET_IDS)
    assert presets.render("trap-2") == presets.render("trap-2")
    with pytest.raises(KeyError):
        presets.render("jazz-1")


def test_a_preset_is_drawn_into_the_store_once(tmp_path):
    from services.common.media import CATALOG, MediaStore

    media = MediaStore(tmp_path, owner=CATALOG)
    key = presets.ensure_rendered(media, "lo-fi-2")
    assert key == "presets/v1/lo-fi-2.jpg" and media.exists(key)
    first = media.path(key).stat().st_mtime_ns
    assert presets.ensure_rendered(media, "lo-fi-2") == key and media.path(key).stat().st_mtime_ns == first
