"""Exclusive terms and the licensing model: the gateway applies the catalog's own rule
(services/contracts/vocabularies.py ``exclusive_terms_problem``), so a client gets one 422 from the
gateway naming ``metadata.exclusive`` and catalog is never asked to refuse it a second time."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import bearer
from gateway.tests.unit.test_uploads import TRACKS, limits  # noqa: F401 (the fixture)
from gateway.tests.unit.uploads_support import WAV, metadata, post_form, stored_files
from services.contracts.vocabularies import exclusive_terms_problem

TERMS = {"price_cents": 50_000, "currency": "USD", "contact_email": "ana@example.com"}
TRACK_ID = "3c1c2a3e-0000-4000-8000-0000000000aa"


def test_an_upload_with_standard_licensing_and_exclusive_terms_is_one_422_naming_metadata_exclusive(
        http, rpc, limits, media_root):  # noqa: F811
    response = post_form(http, TRACKS, [("metadata", metadata(licensing_model="standard", exclusive=TERMS)),
                                        ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["details"] == {
        "metadata.exclusive": [exclusive_terms_problem("standard", has_terms=True)]}
    assert rpc.calls == [] and stored_files(media_root) == []  # catalog was not asked


def test_exclusive_terms_without_a_model_are_judged_against_the_default_standard(http, rpc, limits,  # noqa: F811
                                                                                media_root):
    response = post_form(http, TRACKS, [("metadata", metadata(exclusive=TERMS)),
                                        ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 422 and "metadata.exclusive" in response.get_json()["details"]
    assert rpc.calls == []


@pytest.mark.parametrize("model", ["standard_exclusive", "exclusive_only"])
def test_the_exclusive_models_with_terms_reach_catalog(http, rpc, limits, model):  # noqa: F811
    rpc.answers[("catalog", "create_track")] = {"id": TRACK_ID, "status": "processing"}
    response = post_form(http, TRACKS, [("metadata", metadata(licensing_model=model, exclusive=TERMS)),
                                        ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 202, response.get_json()
    assert rpc.calls[0]["kwargs"]["metadata"]["exclusive"]["price_cents"] == 50_000


def test_an_edit_to_standard_with_terms_is_refused_by_the_gateway(http, rpc):
    response = http.patch(f"{TRACKS}/{TRACK_ID}", json={"licensing_model": "standard", "exclusive": TERMS},
                          headers=bearer())
    assert response.status_code == 422
    assert response.get_json()["details"] == {"exclusive": [exclusive_terms_problem("standard", has_terms=True)]}
    assert rpc.calls == []
