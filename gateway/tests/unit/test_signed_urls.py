"""Signed download URLs: tokens made and checked by gateway/signed_urls.py, files served at /api/v1/files/<token>
with HTTP Range and no Authorization, and the secret every gateway must start with."""
from __future__ import annotations

import time

import pytest

from devtools.platform import Platform
from gateway import settings, signed_urls
from gateway.signed_urls import BadLink
from gateway.tests.unit.support import DOWNLOAD_SECRET

KEY = "uploads/2026/03/abc.wav"
AUDIO = bytes(range(256)) * 40
LATER = int(time.time()) + 86_400  # made at import: must outlive a long test run


def token(secret: str = DOWNLOAD_SECRET, key: str = KEY, expires_at: int = LATER, filename: str = "Night Drive.wav"):
    return signed_urls.sign(secret, key, "audio/wav", filename, expires_at)


@pytest.fixture
def stored(media_root):
    (media_root / "uploads/2026/03").mkdir(parents=True)
    (media_root / KEY).write_bytes(AUDIO)


def reason(exc_info) -> str:
    return exc_info.value.details["reason"]


def test_a_token_names_its_file_until_it_expires():
    signed = signed_urls.verify(DOWNLOAD_SECRET, token())
    assert (signed.key, signed.content_type, signed.filename, signed.expires_at) == (
        KEY, "audio/wav", "Night Drive.wav", LATER)


def test_an_expired_token_is_refused():
    with pytest.raises(BadLink) as refused:
        signed_urls.verify(DOWNLOAD_SECRET, token(expires_at=1_700_000_000))
    assert reason(refused) == "expired_link" and "POST /api/v1/licenses/" in refused.value.message


def test_a_token_expires_at_its_second_exactly():
    with pytest.raises(BadLink):
        signed_urls.verify(DOWNLOAD_SECRET, token(), now=LATER)
    assert signed_urls.verify(DOWNLOAD_SECRET, token(), now=LATER - 1).key == KEY


@pytest.mark.parametrize("alter", [
    lambda t: t.replace(t[5], "A" if t[5] != "A" else "B", 1),  # a character of the payload
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # of the signature
    lambda t: signed_urls.sign("another-secret-" + "x" * 40, KEY, "audio/wav", "x.wav", LATER * 10),  # forged
    lambda t: t.split(".")[0] + ".",  # no signature
    lambda t: t.split(".")[0] + ".!!!!",  # not base64
])
def test_an_altered_or_forged_token_is_refused(alter):
    with pytest.raises(BadLink) as refused:
        signed_urls.verify(DOWNLOAD_SECRET, alter(token()))
    assert reason(refused) == "invalid_signature"


@pytest.mark.parametrize("bad", ["", "no-dot-at-all", "a" * 3000 + ".b"])
def test_a_malformed_token_is_refused(bad):
    with pytest.raises(BadLink) as refused:
        signed_urls.verify(DOWNLOAD_SECRET, bad)
    assert reason(refused) == "malformed_link"


def test_without_a_secret_nothing_verifies_and_nothing_is_signed():
    with pytest.raises(BadLink):
        signed_urls.verify("", token())
    with pytest.raises(ValueError):
        signed_urls.sign("", KEY, "audio/wav", "x.wav", LATER)


def test_the_file_is_served_as_an_attachment_without_authorization(http, stored):
    response = http.get(signed_urls.PREFIX + token())
    assert response.status_code == 200 and response.data == AUDIO
    assert response.mimetype == "audio/wav"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Night Drive.wav" in response.headers["Content-Disposition"]
    assert response.headers["Accept-Ranges"] == "bytes" and response.headers["Cache-Control"] == "private, no-store"


def test_a_range_of_the_file_is_206_and_beyond_it_416(http, stored):
    url = signed_urls.PREFIX + token()
    partial = http.get(url, headers={"Range": "bytes=100-199"})
    assert partial.status_code == 206 and partial.data == AUDIO[100:200]
    assert partial.headers["Content-Range"] == f"bytes 100-199/{len(AUDIO)}"
    assert http.get(url, headers={"Range": f"bytes={len(AUDIO) + 10}-"}).status_code == 416


def test_a_non_ascii_filename_is_offered_too(http, stored):
    response = http.get(signed_urls.PREFIX + token(filename="Ana Beats – Nuit blanche.wav"))
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("make, why", [
    (lambda: token(expires_at=int(time.time()) - 1), "expired_link"),
    (lambda: token()[:-3] + "xyz", "invalid_signature"),
    (lambda: "garbage", "malformed_link"),
])
def test_a_bad_link_is_403_saying_to_ask_for_fresh_links(http, stored, rpc, make, why):
    response = http.get(signed_urls.PREFIX + make())
    body = response.get_json()
    assert response.status_code == 403 and body["error"] == "forbidden" and body["details"]["reason"] == why
    assert "POST /api/v1/licenses/<license id>/files" in body["message"]
    assert rpc.calls == []  # nothing but the gateway's own secret decides


def test_a_signed_link_to_a_file_no_longer_stored_is_404(http):
    assert http.get(signed_urls.PREFIX + token()).status_code == 404


def test_a_link_signed_by_another_deployment_is_refused(http, stored):
    other = token(secret="a-different-deployment-" + "z" * 40)
    assert http.get(signed_urls.PREFIX + other).status_code == 403


def test_the_route_is_public_in_the_openapi_document(http):
    operation = http.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/files/{token}"]["get"]
    assert operation["security"] == [] and {"403", "416"} <= set(operation["responses"])


# --- the secret ---------------------------------------------------------------------------------------------

def test_the_ttl_defaults_to_15_minutes_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("DOWNLOAD_URL_TTL_S", raising=False)
    assert settings.load({"JWT_SECRET": "s"})["DOWNLOAD_URL_TTL_S"] == 900
    monkeypatch.setenv("DOWNLOAD_URL_TTL_S", "5")
    monkeypatch.setenv("DOWNLOAD_URL_SECRET", "from-env")
    config = settings.load({"JWT_SECRET": "s"})
    assert (config["DOWNLOAD_URL_TTL_S"], config["DOWNLOAD_URL_SECRET"]) == (5, "from-env")


@pytest.mark.parametrize("secret", [None, "", "   ", "short"])
def test_the_gateway_refuses_to_start_without_a_long_enough_secret(secret):
    with pytest.raises(SystemExit) as refused:
        settings.require_download_secret(secret)
    assert "DOWNLOAD_URL_SECRET" in str(refused.value) and "every gateway replica" in str(refused.value)


def test_a_long_enough_secret_starts():
    settings.require_download_secret("x" * settings.DOWNLOAD_SECRET_MIN)


def test_gunicorns_master_checks_the_secret_before_any_worker(monkeypatch):
    import runpy

    from services.common import config

    hooks = runpy.run_path(str(config.ROOT / "deploy" / "gunicorn.conf.py"))
    monkeypatch.delenv("DOWNLOAD_URL_SECRET", raising=False)
    with pytest.raises(SystemExit):
        hooks["on_starting"](None)
    monkeypatch.setenv("DOWNLOAD_URL_SECRET", "y" * 48)
    hooks["on_starting"](None)


def test_make_run_gives_every_gateway_worker_one_secret_per_run(monkeypatch):
    monkeypatch.delenv("DOWNLOAD_URL_SECRET", raising=False)
    first, second = Platform(env={}, bind="127.0.0.1:9"), Platform(env={}, bind="127.0.0.1:9")
    made = first.env["DOWNLOAD_URL_SECRET"]
    assert len(made) >= settings.DOWNLOAD_SECRET_MIN and made != second.env["DOWNLOAD_URL_SECRET"]
    given = Platform(env={"DOWNLOAD_URL_SECRET": "mine-" + "m" * 40}, bind="127.0.0.1:9")
    assert given.env["DOWNLOAD_URL_SECRET"] == "mine-" + "m" * 40
