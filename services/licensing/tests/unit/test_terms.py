"""The licence terms (docs/licensing-terms.md, docs/business-rules.md "Licensing and downloads"): the values of
each version, the clauses generated from them, and the masked email a certificate shows."""
from __future__ import annotations

import pytest

from services.contracts.rpc.licensing import Terms
from services.licensing.terms import (EXCLUSIVE_TERMS_VERSION, STANDARD_TERMS_VERSION, exclusive_terms,
                                      mask_email, standard_terms, terms_text)

PRODUCER = "Ana Beats"


@pytest.mark.parametrize("make", [standard_terms, exclusive_terms])
def test_terms_have_exactly_the_fields_of_the_contract(make):
    terms = make(PRODUCER)
    assert set(terms) == set(Terms().fields)
    assert Terms().load(Terms().dump(terms)) == terms


def test_the_standard_terms_are_the_business_rules():
    terms = standard_terms(PRODUCER)
    assert terms["version"] == STANDARD_TERMS_VERSION
    assert {key: terms[key] for key in ("license_type", "new_works", "credit", "content_id_registration",
                                        "live_performance_max_attendees", "sync", "transferable", "ai_training",
                                        "publishing_split", "producer_royalty_percent")} == {
        "license_type": "standard", "new_works": 1, "credit": "Produced by Ana Beats",
        "content_id_registration": False, "live_performance_max_attendees": 50, "sync": False,
        "transferable": False, "ai_training": False, "publishing_split": None, "producer_royalty_percent": None}
    assert terms["deliverables"] == ["original", "mp3_320"]


def test_the_default_exclusive_terms_are_the_business_rules():
    terms = exclusive_terms(PRODUCER)
    assert terms["version"] == EXCLUSIVE_TERMS_VERSION
    assert terms["license_type"] == "exclusive"
    assert terms["publishing_split"] == {"producer": 20, "licensee": 80}
    assert (terms["territory"], terms["governing_law"], terms["producer_royalty_percent"]) == ("worldwide", "US", 3)
    assert terms["deliverables"] == ["wav", "tagged_wav", "mp3_320", "stems"]
    assert terms["credit"] == "Produced by Ana Beats"
    assert (terms["transferable"], terms["ai_training"]) == (False, False)


def test_the_two_versions_differ_and_name_their_type():
    assert STANDARD_TERMS_VERSION != EXCLUSIVE_TERMS_VERSION
    assert STANDARD_TERMS_VERSION.startswith("standard-") and EXCLUSIVE_TERMS_VERSION.startswith("exclusive-")


def test_the_standard_clauses_say_each_rule():
    text = " ".join(standard_terms(PRODUCER)["text"])
    for phrase in ("Non-exclusive", "in 1 new musical work", '"Produced by Ana Beats"', "may not register",
                   "Content ID", "up to 50 attendees", "film, television, broadcast or games",
                   "may not be transferred", "artificial-intelligence", "data sets",
                   "original lossless file and MP3 320"):
        assert phrase in text
    assert "Publishing" not in text and "royalty" not in text and "Territory" not in text


def test_the_exclusive_clauses_say_each_rule():
    text = " ".join(exclusive_terms(PRODUCER)["text"])
    for phrase in ("Exclusive licence", "licences issued before it remain valid", "any number of new musical works",
                   "20 % to the producer and 80 % to the licensee", "royalty of 3 %", "Territory: worldwide",
                   "laws of the United States of America", "WAV, tagged WAV, MP3 320 and stems"):
        assert phrase in text


@pytest.mark.parametrize("make", [standard_terms, exclusive_terms])
def test_the_text_is_generated_from_the_values(make):
    terms = make(PRODUCER)
    assert terms["text"] == terms_text(terms)
    changed = {**terms, "live_performance_max_attendees": 200, "new_works": 3}
    text = " ".join(terms_text(changed))
    assert "up to 200 attendees" in text and "in 3 new musical works" in text


def test_a_unicode_producer_name_is_kept_in_the_credit():
    terms = standard_terms("Zoë Ångström 東京")
    assert terms["credit"] == "Produced by Zoë Ångström 東京"
    assert any('"Produced by Zoë Ångström 東京"' in clause for clause in terms["text"])


def test_each_call_returns_its_own_terms():
    first = standard_terms(PRODUCER)
    first["deliverables"].append("stems")
    first["text"].append("anything")
    assert standard_terms(PRODUCER)["deliverables"] == ["original", "mp3_320"]
    assert "anything" not in standard_terms(PRODUCER)["text"]


@pytest.mark.parametrize(("email", "masked"), [
    ("jane@example.com", "j***@example.com"),
    ("j@example.com", "j***@example.com"),
    ("Jane.Doe@Example.COM", "j***@example.com"),
    ("  jane@example.com ", "j***@example.com"),
    ('"a@b"@example.com', '"***@example.com'),
    ("élodie@exemple.fr", "é***@exemple.fr"),
    ("@example.com", "***@example.com"),
    ("jane.example.com", "***"),
    ("jane@", "***"),
    ("", "***"),
])
def test_mask_email(email, masked):
    assert mask_email(email) == masked
