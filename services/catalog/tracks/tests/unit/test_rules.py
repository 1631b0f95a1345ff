"""Completeness, search normalisation, image sniffing and the licensing rules."""
from datetime import datetime, timedelta, timezone

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


# --- exclusive sales heard from licensing, in any order ------------------------------------------------

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_sale_then_its_refund_sells_then_frees_the_exclusive():
    sold = rules.after_sold(None, "L", at(1))
    assert sold == rules.Sale("L", at(1), None) and sold.active
    assert rules.status_after("available", None, sold) == "sold"
    refunded = rules.after_refunded(sold, "L", at(5))
    assert refunded == rules.Sale("L", at(1), at(5)) and not refunded.active
    assert rules.status_after("sold", sold, refunded) == "available"


def test_redeliveries_change_nothing():
    sold = rules.Sale("L", at(1), None)
    assert rules.after_sold(sold, "L", at(1)) is None
    refunded = rules.Sale("L", at(1), at(5))
    assert rules.after_refunded(refunded, "L", at(5)) is None
    assert rules.after_sold(refunded, "L", at(1)) is None  # the refund stands


def test_a_refund_heard_before_its_sale_keeps_the_late_sale_from_selling():
    tombstone = rules.after_refunded(None, "L", at(5))
    assert tombstone == rules.Sale("L", None, at(5)) and not tombstone.active
    assert rules.status_after("available", None, tombstone) == "available"
    assert rules.after_sold(tombstone, "L", at(1)) is None


def test_a_new_sale_after_a_refunded_one_sells_again_and_old_news_is_ignored():
    first = rules.Sale("K", at(1), at(2))
    second = rules.after_sold(first, "L", at(3))
    assert second == rules.Sale("L", at(3), None)
    assert rules.status_after("available", first, second) == "sold"
    assert rules.after_sold(second, "K", at(1)) is None  # K's late redelivery
    assert rules.after_refunded(second, "K", at(2)) is None  # K's refund is old: L stays sold


def test_a_sale_older_than_the_known_refund_of_another_is_ignored_and_a_later_refund_is_kept():
    known = rules.Sale("K", at(5), at(6))
    assert rules.after_sold(known, "J", at(2)) is None  # J was sold (and refunded) before K
    assert rules.after_refunded(known, "J", at(3)) is None
    later = rules.after_refunded(known, "M", at(9))  # M's refund came before M's sale
    assert later == rules.Sale("M", None, at(9))
    assert rules.after_sold(later, "M", at(8)) is None


def test_a_private_exclusive_whose_unheard_sale_is_refunded_stays_private():
    assert rules.status_after("private", None, rules.Sale("L", None, at(5))) == "private"
