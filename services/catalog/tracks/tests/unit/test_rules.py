"""Completeness, search normalisation and image sniffing."""
import pytest

from services.catalog.tracks import rules

FULL = rules.MetadataState(name="n", artists=["a"], has_cover=True, key="A", scale="minor", bpm=120,
                           licensing_model="standard", genres=["g"], tags=["t"], description="d",
                           collection_id="c", sample_clearance="cleared")


def test_every_field_filled_is_complete():
    assert rules.completeness(FULL) == 1.0


def test_the_required_fields_alone_are_not_complete():
    bare = rules.MetadataState(name="n", artists=["a"], has_cover=True, key="A", scale="minor", bpm=120,
                               licensing_model="standard", genres=[], tags=[], description=None,
                               collection_id=None, sample_clearance=None)
    assert rules.completeness(bare) == round(7 / 12, 4)
    assert not rules.is_complete(rules.completeness(bare))


@pytest.mark.parametrize("empty, expected_complete", [
    ({"description": "   "}, True),  # 11 of 12
    ({"description": None, "collection_id": None}, True),  # 10 of 12 = 0.833
    ({"description": None, "collection_id": None, "sample_clearance": None}, False),  # 9 of 12 = 0.75
])
def test_eighty_percent_is_the_threshold(empty, expected_complete):
    from dataclasses import replace

    score = rules.completeness(replace(FULL, **empty))
    assert rules.is_complete(score) is expected_complete


def test_each_field_counts_once():
    from dataclasses import fields, replace

    blanks = {"name": None, "artists": [], "has_cover": False, "key": None, "scale": None, "bpm": None,
              "licensing_model": None, "genres": [], "tags": [], "description": None, "collection_id": None,
              "sample_clearance": None}
    assert set(blanks) == {f.name for f in fields(rules.MetadataState)}
    for name, blank in blanks.items():
        assert rules.completeness(replace(FULL, **{name: blank})) == round(11 / 12, 4), name


@pytest.mark.parametrize("raw, normal", [
    ("  Beyoncé   BEATS ", "beyonce beats"), ("ZOË", "zoe"), ("Straße", "strasse"), ("Ｆｕｌｌ", "full"),
    ("", ""),
])
def test_normalize(raw, normal):
    assert rules.normalize(raw) == normal


def test_search_text_joins_name_artists_and_tags():
    assert rules.search_text("Night Drive", ["DJ Été"], ["Dark", "lo-fi"]) == "night drive dj ete dark lo-fi"
    assert rules.search_terms("  NIGHT  été ") == ["night", "ete"]


@pytest.mark.parametrize("head, content_type", [
    (b"\x89PNG\r\n\x1a\n\x00", "image/png"), (b"\xff\xd8\xff\xe0", "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
    (b"GIF89a", None), (b"", None), (b"<svg", None),
])
def test_image_content_type_by_first_bytes(head, content_type):
    assert rules.image_content_type(head) == content_type


# --- licensing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stored, wanted", [("available", "private"), ("private", "available"), (None, "available"),
                                            ("available", None), ("sold", "sold"), (None, None)])
def test_the_producer_switches_available_and_private(stored, wanted):
    assert rules.exclusive_status_problem(stored, wanted) is None


@pytest.mark.parametrize("stored", ["available", "private", None])
def test_the_producer_never_marks_an_exclusive_sold(stored):
    assert "recorded by the platform when a buyer pays" in rules.exclusive_status_problem(stored, "sold")


@pytest.mark.parametrize("wanted", ["available", "private", None])
def test_a_sold_exclusive_stays_sold_whatever_the_producer_sends(wanted):
    assert "recorded by the platform when a buyer pays" in rules.exclusive_status_problem("sold", wanted)


@pytest.mark.parametrize("audio_format, key, expected", [
    ("flac", "uploads/2026/12/a.wav", "flac"),  # what audio found wins over the name
    (None, "uploads/2026/12/a.WAV", "wav"), (None, "uploads/2026/12/a.flac", "flac"),
    (None, "uploads/2026/12/a.mp3", None), (None, "uploads/2026/12/a", None), (None, "uploads/2026.12/a", None),
])
def test_the_original_format_is_audios_verdict_else_the_upload_extension(audio_format, key, expected):
    assert rules.original_format(audio_format, key) == expected


def test_originals_are_served_with_their_lossless_content_type():
    assert [rules.original_content_type(name) for name in ("wav", "flac", None)] == [
        "audio/wav", "audio/flac", "application/octet-stream"]
