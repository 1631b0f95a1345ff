"""The licensing endpoints over a stand-in licensing service: what the gateway adds (signed URLs, Location,
links, the certificate's bytes, the HTML pages) and what it passes through (refusals, 404s)."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from gateway import signed_urls
from gateway.tests.unit.support import DOWNLOAD_SECRET, USER_ID, bearer
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound

TRACK_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
LICENSE_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
ORIGINAL = {"key": "uploads/2026/03/orig.wav", "content_type": "audio/wav", "filename": "Ana - Night Drive.wav",
            "format": "wav"}
MP3 = {"key": "renditions/2026/03/r.mp3", "content_type": "audio/mpeg", "filename": "Ana - Night Drive.mp3",
       "format": "mp3"}
STEMS = {"key": "stems/2026/03/s.zip", "content_type": "application/zip", "filename": "Ana - Night Drive stems.zip",
         "format": "zip"}
TERMS = {"version": "standard-2026-12", "license_type": "standard", "text": ["One new work."]}
LICENSE = {"id": LICENSE_ID, "type": "standard", "status": "valid", "track_id": TRACK_ID, "track_title": "Night Drive",
           "artist_id": "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d", "producer_name": "Ana Beats",
           "licensee_user_id": USER_ID, "licensee_email_masked": "a***@example.com", "fingerprint_hash": None,
           "issued_at": "2026-03-01T12:00:00+00:00", "revoked_at": None, "terms_version": "standard-2026-12",
           "terms": TERMS, "price": None}
VERIFICATION = {"status": "valid", "license_type": "standard", "track": {"id": TRACK_ID, "title": "Night Drive"},
                "producer": {"artist_id": LICENSE["artist_id"], "name": "Ana Beats"},
                "issued_at": "2026-03-01T12:00:00+00:00", "revoked_at": None,
                "licensee_email_masked": "a***@example.com", "fingerprint_hash": "ab" * 32,
                "terms_version": "standard-2026-12", "terms": TERMS}


@pytest.fixture
def licensing(rpc):
    def answer(method, value):
        rpc.answers[("licensing", method)] = value
    return answer


def call(rpc, method):
    [found] = [c for c in rpc.calls if (c["service"], c["method"]) == ("licensing", method)]
    return found["kwargs"]


def test_a_download_is_201_with_the_licence_its_location_and_signed_urls(http, rpc, licensing):
    licensing("download", {"license": LICENSE, "files": {"original": ORIGINAL, "mp3_320": MP3, "stems": None}})
    before = int(time.time())
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/download", headers=bearer())
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"] == f"/api/v1/licenses/{LICENSE_ID}"
    body = response.get_json()
    assert call(rpc, "download") == {"actor_id": USER_ID, "track_id": TRACK_ID}
    assert body["license"]["id"] == LICENSE_ID and body["license"]["links"] == {
        "self": f"/api/v1/licenses/{LICENSE_ID}", "certificate": f"/api/v1/licenses/{LICENSE_ID}/certificate.pdf",
        "verify": f"/verify-license/{LICENSE_ID}"}
    files = body["files"]
    assert set(files) == {"original", "mp3_320", "expires_at"}  # no stems: the track has none
    assert (files["original"]["format"], files["mp3_320"]["format"]) == ("wav", "mp3")
    expires = datetime.fromisoformat(files["expires_at"]).timestamp()
    assert before + 900 <= expires <= time.time() + 900
    for name, ref in (("original", ORIGINAL), ("mp3_320", MP3)):
        url = files[name]["url"]
        assert url.startswith("/api/v1/files/") and ref["key"] not in url
        signed = signed_urls.verify(DOWNLOAD_SECRET, url.removeprefix(signed_urls.PREFIX))
        assert (signed.key, signed.content_type, signed.filename, signed.expires_at) == (
            ref["key"], ref["content_type"], ref["filename"], int(expires))


def test_the_urls_last_download_url_ttl_s(app, http, licensing):
    app.config["DOWNLOAD_URL_TTL_S"] = 5
    licensing("download", {"license": LICENSE, "files": {"original": ORIGINAL, "mp3_320": MP3}})
    files = http.post(f"/api/v1/tracks/{TRACK_ID}/download", headers=bearer()).get_json()["files"]
    assert datetime.fromisoformat(files["expires_at"]).timestamp() <= time.time() + 5


def test_the_producers_own_download_is_200_without_a_licence(http, licensing):
    licensing("download", {"license": None, "files": {"original": ORIGINAL, "mp3_320": MP3, "stems": STEMS}})
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/download", headers=bearer())
    assert response.status_code == 200 and "Location" not in response.headers
    body = response.get_json()
    assert body["license"] is None and body["files"]["stems"]["format"] == "zip"


@pytest.mark.parametrize("reason", ["free_plan", "payment_overdue", "exclusive_only", "exclusive_sold",
                                    "not_published"])
def test_a_refusal_is_403_with_its_reason_and_message(http, licensing, reason):
    licensing("download", Forbidden(f"refused: {reason}; what to do", {"reason": reason}))
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/download", headers=bearer())
    assert response.status_code == 403
    assert response.get_json() == {"error": "forbidden", "message": f"refused: {reason}; what to do",
                                   "details": {"reason": reason}}


def test_an_unknown_track_is_404(http, licensing):
    licensing("download", NotFound("track not found", {"track_id": TRACK_ID}))
    assert http.post(f"/api/v1/tracks/{TRACK_ID}/download", headers=bearer()).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/tracks/not-a-uuid/download", "/api/v1/licenses/123/files",
                                  "/api/v1/licenses/xyz", "/api/v1/licenses/xyz/certificate.pdf",
                                  "/api/v1/verify-license/nope", "/api/v1/tracks/1/exclusive/checkout",
                                  "/api/v1/tracks/1/download-eligibility"])
def test_a_malformed_id_is_404_and_reaches_no_service(http, rpc, path):
    method = "GET" if "certificate" in path or "eligibility" in path or path.count("/") == 4 else "POST"
    assert http.open(path, method=method, headers=bearer()).status_code == 404
    assert rpc.calls == []


@pytest.mark.parametrize("method, path", [
    ("POST", f"/api/v1/tracks/{TRACK_ID}/download"), ("GET", f"/api/v1/tracks/{TRACK_ID}/download-eligibility"),
    ("POST", f"/api/v1/licenses/{LICENSE_ID}/files"), ("GET", "/api/v1/me/licenses"),
    ("GET", f"/api/v1/licenses/{LICENSE_ID}"), ("GET", f"/api/v1/licenses/{LICENSE_ID}/certificate.pdf"),
    ("POST", f"/api/v1/tracks/{TRACK_ID}/exclusive/checkout")])
def test_every_endpoint_but_verification_needs_a_token(http, rpc, method, path):
    assert http.open(path, method=method).status_code == 401
    assert rpc.calls == []


def test_eligibility_is_passed_on(http, rpc, licensing):
    answer = {"allowed": False, "reason": "free_plan", "message": "Subscribe to Classic, Plus or Pro."}
    licensing("download_eligibility", answer)
    response = http.get(f"/api/v1/tracks/{TRACK_ID}/download-eligibility", headers=bearer())
    assert response.status_code == 200 and response.get_json() == answer
    assert call(rpc, "download_eligibility") == {"actor_id": USER_ID, "track_id": TRACK_ID}


def test_fresh_links_for_a_licence_sign_the_stems_too(http, rpc, licensing):
    licensing("license_files", {"original": ORIGINAL, "mp3_320": MP3, "stems": STEMS})
    response = http.post(f"/api/v1/licenses/{LICENSE_ID}/files", headers=bearer())
    assert response.status_code == 200
    files = response.get_json()
    assert set(files) == {"original", "mp3_320", "stems", "expires_at"}
    assert signed_urls.verify(DOWNLOAD_SECRET, files["stems"]["url"].removeprefix(signed_urls.PREFIX)).key == \
        STEMS["key"]
    assert call(rpc, "license_files") == {"actor_id": USER_ID, "license_id": LICENSE_ID}


def test_fresh_links_for_a_revoked_licence_are_409(http, licensing):
    licensing("license_files", Conflict("this licence was revoked", {"status": "revoked"}))
    assert http.post(f"/api/v1/licenses/{LICENSE_ID}/files", headers=bearer()).status_code == 409


def test_the_library_is_a_list_envelope_with_links(http, rpc, licensing):
    licensing("list_my_licenses", {"items": [LICENSE], "total": 1, "next": None})
    response = http.get("/api/v1/me/licenses?limit=5", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["next"], body["items"][0]["links"]["self"]) == (
        1, None, f"/api/v1/licenses/{LICENSE_ID}")
    assert call(rpc, "list_my_licenses") == {"actor_id": USER_ID, "cursor": None, "limit": 5}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=%25%25", "colour=blue"])
def test_the_librarys_paging_is_validated_before_any_call(http, rpc, query):
    response = http.get(f"/api/v1/me/licenses?{query}", headers=bearer())
    assert response.status_code == 422
    assert rpc.calls == []


def test_a_service_side_cursor_refusal_is_422(http, licensing):
    licensing("list_my_licenses", InvalidField("invalid fields: cursor", {"cursor": ["not a cursor"]}))
    assert http.get("/api/v1/me/licenses?cursor=abc", headers=bearer()).status_code == 422


def test_a_licence_is_shown_to_who_may_see_it_and_404_to_anyone_else(http, rpc, licensing):
    licensing("get_license", LICENSE)
    response = http.get(f"/api/v1/licenses/{LICENSE_ID}", headers=bearer())
    assert response.status_code == 200 and response.get_json()["terms"] == TERMS
    licensing("get_license", NotFound("licence not found"))
    assert http.get(f"/api/v1/licenses/{LICENSE_ID}", headers=bearer()).status_code == 404


def test_the_certificate_is_the_pdf_from_the_media_store(http, licensing, media_root):
    key = "certificates/2026/03/c.pdf"
    (media_root / "certificates/2026/03").mkdir(parents=True)
    (media_root / key).write_bytes(b"%PDF-1.4 fake")
    licensing("certificate_source", {"key": key, "content_type": "application/pdf",
                                     "filename": f"beatpass-license-{LICENSE_ID}.pdf"})
    response = http.get(f"/api/v1/licenses/{LICENSE_ID}/certificate.pdf", headers=bearer())
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == b"%PDF-1.4 fake"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_certificate_of_someone_elses_licence_is_404(http, licensing):
    licensing("certificate_source", NotFound("licence not found"))
    assert http.get(f"/api/v1/licenses/{LICENSE_ID}/certificate.pdf", headers=bearer()).status_code == 404


def test_verification_is_public_json(http, rpc, licensing):
    licensing("verify_license", VERIFICATION)
    response = http.get(f"/api/v1/verify-license/{LICENSE_ID}")
    assert response.status_code == 200 and response.get_json() == VERIFICATION
    assert call(rpc, "verify_license") == {"license_id": LICENSE_ID}


def test_an_unknown_licence_verifies_as_unknown_with_404(http, licensing):
    licensing("verify_license", NotFound("no such licence", {"status": "unknown"}))
    response = http.get(f"/api/v1/verify-license/{LICENSE_ID}")
    assert response.status_code == 404 and response.get_json()["details"] == {"status": "unknown"}


def test_an_exclusive_checkout_is_201_with_the_session_and_amounts(http, rpc, licensing):
    session = {"url": "https://stripe.test/checkout/cs_1", "session_id": "cs_1", "price_cents": 50000,
               "fee_cents": 6300, "total_cents": 56300, "currency": "CAD"}
    licensing("start_exclusive_checkout", session)
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/exclusive/checkout", headers=bearer())
    assert response.status_code == 201 and response.get_json() == session
    assert call(rpc, "start_exclusive_checkout") == {"actor_id": USER_ID, "track_id": TRACK_ID}


def test_an_exclusive_that_is_not_available_is_409(http, licensing):
    licensing("start_exclusive_checkout", Conflict("this exclusive is sold", {"status": "sold"}))
    assert http.post(f"/api/v1/tracks/{TRACK_ID}/exclusive/checkout", headers=bearer()).status_code == 409


# --- the HTML pages ------------------------------------------------------------------------------------------

def test_the_verification_page_says_valid_with_the_public_facts(http, licensing):
    licensing("verify_license", VERIFICATION)
    response = http.get(f"/verify-license/{LICENSE_ID}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Valid licence" in page and "Night Drive" in page and "Ana Beats" in page
    assert "a***@example.com" in page and "One new work." in page and "ab" * 32 in page


def test_the_verification_page_says_revoked(http, licensing):
    licensing("verify_license", {**VERIFICATION, "status": "revoked", "revoked_at": "2026-03-05T10:00:00+00:00"})
    page = http.get(f"/verify-license/{LICENSE_ID}").get_data(as_text=True)
    assert "Revoked licence" in page and "2026-03-05" in page and "Valid licence" not in page


@pytest.mark.parametrize("license_id", [LICENSE_ID, "not-a-uuid", "<script>x"])
def test_an_unknown_or_malformed_licence_page_is_404_not_found(http, licensing, license_id):
    licensing("verify_license", NotFound("no such licence", {"status": "unknown"}))
    response = http.get(f"/verify-license/{license_id}")
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "not found" in page and "<script>x" not in page


def test_the_exclusive_return_pages(http, rpc):
    success = http.get("/exclusive/success?session_id=cs_test_9")
    assert success.status_code == 200 and "cs_test_9" in success.get_data(as_text=True)
    assert "refunded" in success.get_data(as_text=True)
    cancel = http.get("/exclusive/cancel")
    assert cancel.status_code == 200 and "Nothing was charged" in cancel.get_data(as_text=True)
    assert rpc.calls == []


@pytest.mark.parametrize("path", ["/exclusive/success", "/exclusive/cancel", "/verify-license/{license_id}",
                                  "/api/v1/verify-license/{license_id}", "/api/v1/files/{token}"])
def test_the_public_pages_need_no_token_in_the_openapi_document(http, path):
    assert http.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]["security"] == []
