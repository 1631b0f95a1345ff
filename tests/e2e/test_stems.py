"""Stems through the gateway: a producer adds a ZIP of WAV/FLAC stems to their published track; hostile or
wrong archives are refused with a coded reason and leave nothing in the media store's stems area."""
from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.e2e.test_uploads import make_producer, media_files, publish, settle
from tests.support import audio
from tests.support.api import Api

SECONDS = 12.0


@pytest.fixture
def producer(platform, admin) -> Api:
    return make_producer(platform, admin)


@pytest.fixture
def track(producer, tmp_path) -> dict:
    seed = uuid.uuid4().int % 1_000_000
    return publish(producer, audio.make_wav(tmp_path / "beat.wav", seconds=SECONDS, rate=44100, seed=seed))


def stems_zip(tmp_path: Path, entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def stem(tmp_path: Path, name: str, seconds: float = SECONDS, rate: int = 44100, seed: int = 1) -> bytes:
    path = tmp_path / name
    if name.endswith(".flac"):
        return audio.make_flac(path, seconds=seconds, rate=rate, channels=1, seed=seed).read_bytes()
    return audio.make_wav(path, seconds=seconds, rate=rate, channels=1, seed=seed).read_bytes()


def put_stems(api: Api, track_id: str, archive: bytes):
    return api.put(f"tracks/{track_id}/stems", files=[("stems", ("stems.zip", archive, "application/zip"))],
                   timeout=120)


def stems_files(platform) -> set[str]:
    return {key for key in media_files(platform) if key.startswith("stems/")}


def test_a_producer_adds_stems_to_their_published_track_and_new_ones_replace_them(producer, track, platform,
                                                                                tmp_path):
    archive = stems_zip(tmp_path, {"Beat/": b"", "Beat/kick.wav": stem(tmp_path, "kick.wav"),
                                   "Beat/pad.flac": stem(tmp_path, "pad.flac", seed=2),
                                   "__MACOSX/Beat/._kick.wav": b"\x00\x05\x16\x07"})
    before = stems_files(platform)
    response = put_stems(producer, track["id"], archive)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["track_id"] == track["id"] and body["uploaded_at"]
    assert [(m["name"], m["format"], m["sample_rate"], m["channels"]) for m in body["stems"]["members"]] == [
        ("Beat/kick.wav", "wav", 44100, 1), ("Beat/pad.flac", "flac", 44100, 1)]
    assert all(m["duration_s"] == pytest.approx(SECONDS, abs=0.01) for m in body["stems"]["members"])
    assert body["stems"]["size_bytes"] == len(archive)
    (stored,) = stems_files(platform) - before
    assert (platform.media_root / stored).read_bytes() == archive

    again = put_stems(producer, track["id"], stems_zip(tmp_path, {"kick.wav": stem(tmp_path, "kick.wav", seed=3)}))
    assert again.status_code == 200, again.text
    assert settle(lambda: stored not in stems_files(platform))  # catalog deletes the replaced archive
    assert len(stems_files(platform) - before) == 1


def _hostile(tmp_path: Path) -> dict[str, tuple[bytes, str, str | None]]:
    """name → (archive, expected details.code, expected details.member)"""
    good = stem(tmp_path, "ok.wav")
    inner = stems_zip(tmp_path, {"kick.wav": good})
    return {
        "traversal": (stems_zip(tmp_path, {"ok.wav": good, "../x.wav": good}), "unsafe_path", "../x.wav"),
        "bomb": (stems_zip(tmp_path, {"ok.wav": good, "bomb.wav": b"\x00" * 20_000_000}, zipfile.ZIP_DEFLATED),
                 "compression_ratio", "bomb.wav"),
        "nested": (stems_zip(tmp_path, {"ok.wav": good, "more.zip": inner}), "nested_archive", "more.zip"),
        "too_many": (stems_zip(tmp_path, {f"s{i}.wav": b"x" for i in range(65)}), "too_many_members", None),
        "wrong_rate": (stems_zip(tmp_path, {"hats.wav": stem(tmp_path, "hats.wav", rate=48000)}), "bad_sample_rate",
                       "hats.wav"),
        "not_a_zip": (good, "not_a_zip", None),
    }


def test_hostile_or_wrong_archives_are_422_with_a_code_and_leave_nothing(producer, track, platform, tmp_path):
    before = stems_files(platform)
    for case, (archive, code, member) in _hostile(tmp_path).items():
        response = put_stems(producer, track["id"], archive)
        assert response.status_code == 422, (case, response.text)
        body = response.json()
        assert body["error"] == "invalid", case
        assert body["details"]["code"] == code, (case, body)
        assert body["details"].get("member") == member, (case, body)
        assert body["details"]["stems"][0], case
        assert stems_files(platform) == before, case  # nothing kept, not even for a moment after the answer


def test_only_the_tracks_producer_may_add_stems(producer, track, platform, admin, api, tmp_path):
    archive = stems_zip(tmp_path, {"kick.wav": stem(tmp_path, "kick.wav")})
    before = stems_files(platform)
    other = make_producer(platform, admin)
    assert put_stems(other, track["id"], archive).status_code == 403
    assert put_stems(other, str(uuid.uuid4()), archive).status_code == 404
    api.register()
    assert put_stems(api, track["id"], archive).status_code == 403  # a listener
    assert put_stems(Api(platform.url), track["id"], archive).status_code == 401
    assert stems_files(platform) == before
