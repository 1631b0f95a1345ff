"""Uploading tracks through the gateway: streamed to the media store, checked by the audio service, published
or rejected with a reason — and never leaving a file behind when refused."""
from __future__ import annotations

import http.client
import json
import socket
import time
import uuid
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest

from tests.support import audio
from tests.support.api import Api

PNG = audio.PNG_HEAD
PUBLISH_TIMEOUT_S = 60.0
CONFIRMATIONS = {"accept_terms": True, "owns_beats": True, "grants_distribution_license": True,
                 "commits_two_beats_per_month": True}


# -- helpers (test_catalog uses them too) ------------------------------------------------------

def make_producer(platform, admin: Api, name: str | None = None) -> Api:
    """A user made a producer through the Producer Program, once catalog has created their artist page."""
    api = Api(platform.url)
    api.register()
    application = api.post("producer-program/applications", json={
        "type": "become_producer", "producer_name": name or f"Prod {uuid.uuid4().hex[:6]}",
        "beats_link": "https://soundcloud.com/someone", "first_name": "Jane", "last_name": "Doe", **CONFIRMATIONS})
    assert application.status_code == 201, application.text
    approved = admin.post(f"admin/producer-applications/{application.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    deadline = time.monotonic() + 30
    while (page := api.get("me/artist")).status_code != 200:
        assert page.status_code == 404 and time.monotonic() < deadline, page.text
        time.sleep(0.2)
    api.artist = page.json()  # type: ignore[attr-defined]
    return api


def track_metadata(**changes: Any) -> dict[str, Any]:
    data = {"name": f"Beat {uuid.uuid4().hex[:8]}", "artists": ["Jane"], "bpm": 120, "key": "A", "scale": "minor",
            "genres": ["trap"], "tags": ["dark"], "cover_preset": "trap", **changes}
    return {name: value for name, value in data.items() if value is not None}


def upload(api: Api, path: Path, metadata: dict[str, Any] | None = None, cover: bytes | None = None,
           filename: str | None = None, artist: str | None = None):
    """``artist``: which of the producer's pages the track belongs to (default: their oldest)."""
    parts: list[tuple[str, Any]] = [("metadata", (None, json.dumps(metadata or track_metadata()), "application/json"))]
    with open(path, "rb") as audio_file:
        parts.append(("audio", (filename or path.name, audio_file, "audio/wav")))
        if cover is not None:
            parts.append(("cover", ("cover.png", cover, "image/png")))
        return api.post("tracks", files=parts, params={"artist": artist} if artist else None, timeout=120)


def wait_until_done(api: Api, track_id: str, timeout: float = PUBLISH_TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(f"tracks/{track_id}")
        assert response.status_code == 200, response.text
        track = response.json()
        if track["status"] != "processing":
            return track
        assert time.monotonic() < deadline, f"track {track_id} still processing after {timeout:.0f} s"
        time.sleep(0.25)


def publish(api: Api, path: Path, artist: str | None = None, **metadata: Any) -> dict[str, Any]:
    response = upload(api, path, track_metadata(**metadata), artist=artist)
    assert response.status_code == 202, response.text
    track = wait_until_done(api, response.json()["id"])
    assert track["status"] == "published", track
    return track


def media_files(platform) -> set[str]:
    """Every file of the platform's media store but the preset covers, which the catalog draws by itself as it
    starts (docs/covers.md) — possibly while a test counts the files its tracks add and remove."""
    root: Path = platform.media_root
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*")
            if path.is_file() and path.relative_to(root).parts[0] != "presets"}


def settle(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.fixture
def producer(platform, admin) -> Api:
    return make_producer(platform, admin)


@pytest.fixture
def seed() -> int:
    return uuid.uuid4().int % 1_000_000


# -- accepted uploads --------------------------------------------------------------------------

def test_a_wav_upload_is_published_with_its_technical_data_and_streams_with_range(producer, platform, tmp_path, seed):
    wav = audio.make_wav(tmp_path / "beat.wav", seconds=12, rate=44100, channels=2, subtype="PCM_24", seed=seed)
    response = upload(producer, wav, cover=PNG)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "processing"
    assert response.headers["Location"].endswith(f"/api/v1/tracks/{response.json()['id']}")
    track = wait_until_done(producer, response.json()["id"])
    assert track["status"] == "published", track
    technical = track["audio"]
    assert (technical["format"], technical["sample_rate"], technical["channels"], technical["bit_depth"]) == \
        ("wav", 44100, 2, 24)
    assert technical["duration_s"] == pytest.approx(12.0, abs=0.05)
    assert not any(name.endswith("_key") for name in track)
    assert set(track["links"]) == {"stream", "waveform", "cover"}

    listener = Api(platform.url)
    full = listener.get(track["links"]["stream"])
    assert full.status_code == 200 and full.headers["Accept-Ranges"] == "bytes" and len(full.content) > 1000
    # the OpenAPI document names the content type the stream really has (an MP3 rendition)
    documented = listener.get("openapi.json").json()["paths"]["/api/v1/tracks/{track_id}/stream"]["get"]
    assert list(documented["responses"]["200"]["content"]) == [full.headers["Content-Type"]] == ["audio/mpeg"]
    size = len(full.content)
    part = listener.get(track["links"]["stream"], headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-1099/{size}" and part.content == full.content[100:1100]
    tail = listener.get(track["links"]["stream"], headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == full.content[-500:]
    assert listener.get(track["links"]["stream"], headers={"Range": f"bytes={size + 10}-"}).status_code == 416
    waveform = listener.get(track["links"]["waveform"])
    assert waveform.status_code == 200 and waveform.json()
    cover = listener.get(track["links"]["cover"])
    assert cover.status_code == 200 and cover.content == PNG and cover.headers["Content-Type"] == "image/png"


def test_a_flac_upload_is_published_with_its_technical_data(producer, tmp_path, seed):
    flac = audio.make_flac(tmp_path / "beat.flac", seconds=11, rate=48000, channels=2, subtype="PCM_24", seed=seed)
    track = publish(producer, flac)
    technical = track["audio"]
    assert (technical["format"], technical["sample_rate"], technical["channels"], technical["bit_depth"]) == \
        ("flac", 48000, 2, 24)
    assert technical["duration_s"] == pytest.approx(11.0, abs=0.05)
    assert track["links"]["cover"].endswith("/cover")
    assert track["cover_preset"] == "trap-1"  # "trap" names the genre's first preset
    cover = Api(producer.base_url).get(track["links"]["cover"])
    assert cover.status_code == 200 and cover.headers["Content-Type"] == "image/jpeg"
    assert cover.content == Api(producer.base_url).get("cover-presets/trap-1/image").content


def test_a_64_bit_float_wav_is_published(producer, tmp_path, seed):
    wav = audio.make_wav(tmp_path / "beat.wav", seconds=11, subtype="DOUBLE", seed=seed)
    technical = publish(producer, wav)["audio"]
    assert (technical["format"], technical["bit_depth"]) == ("wav", 64)


# -- refused at once by the gateway ------------------------------------------------------------

def test_a_cover_that_is_not_an_image_is_422_at_once_and_leaves_nothing(producer, platform, tmp_path, seed):
    wav = audio.make_wav(tmp_path / "beat.wav", seed=seed)
    before = media_files(platform)
    response = upload(producer, wav, cover=b"GIF89a not what we take")
    assert response.status_code == 422 and list(response.json()["details"]) == ["cover"]
    response = upload(producer, wav, track_metadata(bpm=250))
    assert response.status_code == 422 and "metadata.bpm" in response.json()["details"]
    assert media_files(platform) == before


def test_a_non_producer_upload_is_403_and_leaves_nothing(api: Api, platform, tmp_path, seed):
    api.register()
    wav = audio.make_wav(tmp_path / "beat.wav", seed=seed)
    before = media_files(platform)
    response = upload(api, wav, cover=PNG)
    assert response.status_code == 403, response.text
    assert media_files(platform) == before


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_sent(producer, platform):
    url = urlsplit(platform.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/v1/tracks")
        connection.putheader("Authorization", f"Bearer {producer.token}")
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(50_000_000_000))
        connection.putheader("Connection", "close")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"] == "payload_too_large"
    finally:
        connection.close()


DECLARED_BODY_BYTES = 500_000_000
DECLARED_IMAGE_BYTES = 5_000_000


def headers_only(platform, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any], float]:
    """Send a request's headers and not one byte of its body (no ``Expect``: a client that sends the body
    at once would be writing while the gateway decides); read the answer within 2 s, and time it."""
    url = urlsplit(platform.url)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {url.hostname}:{url.port}",
             *(f"{name}: {value}" for name, value in headers.items()), "", ""]
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=2.0) as raw:
        raw.sendall("\r\n".join(lines).encode("latin-1"))
        reader = raw.makefile("rb")
        status = int(reader.readline().split()[1])
        length = 0
        while (line := reader.readline().strip()):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = json.loads(reader.read(length))
    return status, body, time.monotonic() - started


def test_a_listeners_upload_is_403_before_a_byte_of_its_body_is_sent(api: Api, producer, platform):
    """Accounts says "not a producer" before the gateway reads the body: nobody but producers makes the
    platform store a file, and a 500 MB declaration costs a listener's connection nothing."""
    api.register()
    before = media_files(platform)
    # the image routes take up to COVER_MAX_BYTES (10 MB): a bigger declaration is 413 before the role check
    for path, declared in (("/api/v1/tracks", DECLARED_BODY_BYTES), ("/api/v1/collections", DECLARED_IMAGE_BYTES),
                           (f"/api/v1/artists/{producer.artist['id']}/images", DECLARED_IMAGE_BYTES)):
        status, body, seconds = headers_only(platform, "POST", path, {
            "Authorization": f"Bearer {api.token}", "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(declared)})
        assert (status, body["error"]) == (403, "forbidden"), (path, body)
        assert seconds < 2.0, path
    assert media_files(platform) == before


def test_non_multipart_is_415(producer):
    assert producer.post("tracks", json=track_metadata()).status_code == 415


# -- rejected by the audio service -------------------------------------------------------------

BAD_FILES: list[tuple[str, Callable[[Path, int], Path], set[str]]] = [
    ("truncated", lambda p, s: audio.make_truncated_wav(p, seed=s), {"truncated"}),
    ("more-declared", lambda p, s: audio.make_overdeclared_wav(p, seed=s), {"truncated"}),
    ("zero-frames", lambda p, s: audio.make_zero_frames_wav(p), {"corrupt", "too_short"}),
    ("255-channels", lambda p, s: audio.make_many_channels_wav(p), {"bad_channels"}),
    ("8khz", lambda p, s: audio.make_wav(p, rate=8000, seed=s), {"bad_sample_rate"}),
    ("8-bit", lambda p, s: audio.make_wav(p, subtype="PCM_U8", seed=s), {"bad_bit_depth"}),
    ("mp3", lambda p, s: audio.make_mp3_as_wav(p, seed=s), {"lossy_format"}),
    ("ogg", lambda p, s: audio.make_ogg_as_wav(p, seed=s), {"lossy_format"}),
    ("png", lambda p, s: audio.make_png_as_wav(p), {"unsupported_format"}),
    ("text", lambda p, s: audio.make_text_as_wav(p), {"unsupported_format"}),
    ("empty", lambda p, s: audio.make_empty(p), {"unsupported_format"}),
]


def test_every_bad_file_is_rejected_with_its_code_and_leaves_no_file(producer, platform, tmp_path, seed):
    before = media_files(platform)
    uploaded: dict[str, str] = {}
    for name, make, _codes in BAD_FILES:
        path = make(tmp_path / f"{name}.wav", seed + len(uploaded))
        response = upload(producer, path, cover=PNG)
        assert response.status_code == 202, (name, response.text)
        uploaded[name] = response.json()["id"]
    outsider = Api(platform.url)
    for name, _make, codes in BAD_FILES:
        track = wait_until_done(producer, uploaded[name])
        assert track["status"] == "rejected", (name, track)
        assert track["rejection"]["code"] in codes, (name, track["rejection"])
        assert track["rejection"]["message"]
        assert "stream" not in track["links"]
        assert outsider.get(f"tracks/{track['id']}").status_code == 404  # unpublished: only for its owner
        assert outsider.get(f"tracks/{track['id']}/stream").status_code == 404
    assert settle(lambda: media_files(platform) == before), media_files(platform) - before


def test_a_20_minute_wav_is_rejected_as_too_long(producer, platform, tmp_path, seed):
    long_wav = audio.make_long_wav(tmp_path / "long.wav", minutes=20, seed=seed)
    before = media_files(platform)
    response = upload(producer, long_wav)
    assert response.status_code == 202, response.text
    track = wait_until_done(producer, response.json()["id"])
    assert track["status"] == "rejected" and track["rejection"]["code"] == "too_long", track
    assert settle(lambda: media_files(platform) == before), media_files(platform) - before


def test_another_producers_copy_is_rejected_as_a_duplicate(platform, admin, tmp_path, seed):
    first, second = make_producer(platform, admin), make_producer(platform, admin)
    wav = audio.make_wav(tmp_path / "original.wav", seconds=15, seed=seed)
    publish(first, wav)
    response = upload(second, wav, filename="mine-now.wav")
    assert response.status_code == 202
    copy = wait_until_done(second, response.json()["id"])
    assert copy["status"] == "rejected" and copy["rejection"]["code"] == "duplicate", copy


def test_a_refused_upload_is_answered_and_its_connection_serves_the_next_request(api: Api, platform):
    """A listener's 1 MB upload is refused (403) before the gateway reads it; the gateway drops the rest of the
    body, so the client reads its answer and the keep-alive connection serves another request (gunicorn closes a
    connection left with more than 64 KB unread, and a client still sending could get a reset, not the 403)."""
    api.register()
    boundary = "x" * 16
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"beat.wav\"\r\n"
            f"Content-Type: audio/wav\r\n\r\n").encode() + b"\0" * 1_000_000 + f"\r\n--{boundary}--\r\n".encode()
    url = urlsplit(platform.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        for _ in range(3):
            connection.request("POST", "/api/v1/tracks", body=body, headers={
                "Authorization": f"Bearer {api.token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
            response = connection.getresponse()
            assert (response.status, json.loads(response.read())["error"]) == (403, "forbidden")
            assert response.getheader("Connection") != "close"
        connection.request("GET", "/health")
        assert connection.getresponse().status == 200
    finally:
        connection.close()
