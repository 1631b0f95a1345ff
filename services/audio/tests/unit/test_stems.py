"""check_stems: real WAV/FLAC stems zipped at test time, every way an archive is refused, and the manifest."""
from __future__ import annotations

import io
import struct
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from services.audio import stems
from services.audio.stems import StemsLimits, StemsRefused, Track, check_stems, inspect
from services.contracts.errors import InvalidField, NotFound
from services.contracts.vocabularies import STEMS_REJECTION_CODES

from .signals import FS, noise

TRACK = Track(sample_rate=FS, duration_s=3.0)
LIMITS = StemsLimits()


def stem(seconds: float = 3.0, rate: int = FS, fmt: str = "WAV", subtype: str = "PCM_16", channels: int = 1,
         seed: int = 0, silent: bool = False) -> bytes:
    """A short real stem: noise (which deflate barely compresses) or digital silence (which it does)."""
    signal = np.zeros(int(seconds * rate), dtype=np.float32) if silent else noise(seconds, fs=rate, seed=seed)
    data = np.stack([signal] * channels, axis=1)
    out = io.BytesIO()
    sf.write(out, data, rate, subtype=subtype, format=fmt)
    return out.getvalue()


def make_zip(path: Path, entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def run(tmp_path: Path, archive: Path, track: Track = TRACK, limits: StemsLimits = LIMITS) -> dict:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    try:
        return inspect(archive, track, limits, time.monotonic() + limits.max_seconds, scratch)
    finally:
        assert list(scratch.iterdir()) == []  # no member is left decompressed, accepted or not


def refused(tmp_path: Path, entries: list[tuple[str, bytes]] | Path, code: str, member: str | None = None,
            **kwargs) -> StemsRefused:
    archive = entries if isinstance(entries, Path) else make_zip(tmp_path / "stems.zip", entries)
    with pytest.raises(StemsRefused) as info:
        run(tmp_path, archive, **kwargs)
    assert info.value.code == code, info.value.message
    assert info.value.code in STEMS_REJECTION_CODES
    assert info.value.member == member
    assert info.value.message.endswith(".")
    return info.value


# --- accepted --------------------------------------------------------------------------------------

def test_a_folder_of_wav_and_flac_stems_gives_its_manifest(tmp_path):
    kick, bass = stem(seed=1), stem(fmt="FLAC", subtype="PCM_24", channels=2, seed=2, seconds=3.4)
    archive = make_zip(tmp_path / "stems.zip", [
        ("My Beat/", b""), ("My Beat/kick.wav", kick), ("My Beat/bass.flac", bass),
        ("__MACOSX/My Beat/._kick.wav", b"\x00\x05\x16\x07junk"), ("My Beat/.DS_Store", b"junk"),
    ], compression=zipfile.ZIP_DEFLATED)
    manifest = run(tmp_path, archive)
    assert manifest["members"] == [
        {"name": "My Beat/kick.wav", "format": "wav", "sample_rate": FS, "channels": 1, "bit_depth": 16,
         "duration_s": 3.0},
        {"name": "My Beat/bass.flac", "format": "flac", "sample_rate": FS, "channels": 2, "bit_depth": 24,
         "duration_s": pytest.approx(3.4, abs=1e-3)},
    ]
    assert manifest["size_bytes"] == archive.stat().st_size
    assert manifest["uncompressed_bytes"] == len(kick) + len(bass)  # the stems' real bytes; junk is not read


def test_a_stem_within_the_tolerance_of_the_track_length_is_accepted(tmp_path):
    archive = make_zip(tmp_path / "s.zip", [("short.wav", stem(seconds=2.1)), ("long.wav", stem(seconds=3.9))])
    assert [m["duration_s"] for m in run(tmp_path, archive)["members"]] == [2.1, 3.9]


def test_check_stems_reads_the_archive_from_the_media_store(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    make_zip((tmp_path / "stems/2026/12").mkdir(parents=True) or tmp_path / "stems/2026/12/a.zip",
             [("kick.wav", stem())])
    manifest = check_stems("stems/2026/12/a.zip", FS, 3.0)
    assert [m["name"] for m in manifest["members"]] == ["kick.wav"]


# --- the RPC's refusals ----------------------------------------------------------------------------

def test_a_refusal_is_an_invalid_field_naming_stems_with_its_code_and_member(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    (tmp_path / "stems").mkdir()
    make_zip(tmp_path / "stems/b.zip", [("kick.wav", stem(rate=48000))])
    with pytest.raises(InvalidField) as info:
        check_stems("stems/b.zip", FS, 3.0)
    details = info.value.details
    assert details["code"] == "bad_sample_rate" and details["member"] == "kick.wav"
    assert "48000 Hz" in details["stems"][0] and "44100 Hz" in details["stems"][0]


def test_an_archive_level_refusal_names_no_member(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    (tmp_path / "stems").mkdir()
    (tmp_path / "stems/c.zip").write_bytes(b"not a zip at all")
    with pytest.raises(InvalidField) as info:
        check_stems("stems/c.zip", FS, 3.0)
    assert set(info.value.details) == {"stems", "code"} and info.value.details["code"] == "not_a_zip"


@pytest.mark.parametrize("key,sample_rate,duration_s,field", [
    ("uploads/x.zip", FS, 3.0, "stems_key"), ("stems/../x.zip", FS, 3.0, "stems_key"),
    ("stems/x.zip", 0, 3.0, "sample_rate"), ("stems/x.zip", "44100", 3.0, "sample_rate"),
    ("stems/x.zip", FS, -1, "duration_s"), ("stems/x.zip", FS, None, "duration_s"),
])
def test_bad_arguments_are_invalid_fields(tmp_path, monkeypatch, key, sample_rate, duration_s, field):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    with pytest.raises(InvalidField) as info:
        check_stems(key, sample_rate, duration_s)
    assert field in info.value.details


def test_a_missing_archive_is_not_found(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    with pytest.raises(NotFound):
        check_stems("stems/2026/12/gone.zip", FS, 3.0)


# --- the archive -----------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"plain text, not a zip", b"PK\x03\x04" + b"\x00" * 200])
def test_not_a_zip(tmp_path, content):
    (tmp_path / "x.zip").write_bytes(content)
    refused(tmp_path, tmp_path / "x.zip", "not_a_zip")


def test_a_wav_is_not_a_zip(tmp_path):
    (tmp_path / "x.zip").write_bytes(stem())
    refused(tmp_path, tmp_path / "x.zip", "not_a_zip")


def test_an_empty_zip_and_one_of_only_junk_are_empty(tmp_path):
    refused(tmp_path, [], "empty_archive")
    refused(tmp_path, [("stems/", b""), ("__MACOSX/._a.wav", b"x"), (".DS_Store", b"x"), ("Thumbs.db", b"x")],
            "empty_archive")


def test_65_members_are_too_many_and_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(stems, "_extract", lambda *a: pytest.fail("read a member of a refused archive"))
    error = refused(tmp_path, [(f"s{i}.wav", b"x") for i in range(65)], "too_many_members")
    assert "65" in error.message and "64" in error.message


def test_64_members_are_allowed(tmp_path):
    entries = [(f"s{i}.wav", stem(seconds=2.5, seed=i)) for i in range(64)]
    assert len(run(tmp_path, make_zip(tmp_path / "s.zip", entries))["members"]) == 64


def test_a_declared_total_above_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(stems, "_extract", lambda *a: pytest.fail("read a member of a refused archive"))
    one = stem()
    refused(tmp_path, [("a.wav", one), ("b.wav", stem(seed=1))], "too_large_uncompressed",
            limits=replace(LIMITS, max_uncompressed_bytes=len(one) + 10))


def _lie_about_sizes(path: Path, size: int) -> None:
    """Rewrite every local and central header's uncompressed size (the data stays as it is)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            struct.pack_into("<I", data, at + offset, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_header_understating_the_size_gets_no_further_than_its_claim(tmp_path):
    archive = make_zip(tmp_path / "s.zip", [("a.wav", stem()), ("b.wav", stem(seed=1))],
                       compression=zipfile.ZIP_DEFLATED)
    _lie_about_sizes(archive, 1000)  # 2 × 1000 declared, far under the limit; the data holds 2 × 264 kB
    error = refused(tmp_path, archive, "corrupt", member="a.wav", limits=replace(LIMITS, max_uncompressed_bytes=50_000))
    assert "damaged" in error.message


class _Endless(io.RawIOBase):
    """A member stream that never ends — what a decompressor believing the data over the header would give."""

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"\x01" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


@pytest.mark.parametrize("max_ratio,code,member", [(100, "compression_ratio", "a.wav"),
                                                   (10 ** 9, "too_large_uncompressed", None)])
def test_actual_bytes_are_counted_against_the_limits_while_reading(tmp_path, monkeypatch, max_ratio, code, member):
    """The stdlib already stops at the declared size; the counts (per member and in all) do not rely on that."""
    archive = make_zip(tmp_path / "s.zip", [("a.wav", b"RIFF" + b"\x00" * 5000)])
    endless = _Endless()
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info: io.BufferedReader(endless))
    limit = 3 * stems.CHUNK
    refused(tmp_path, archive, code, member=member,
            limits=replace(LIMITS, max_uncompressed_bytes=limit, max_ratio=max_ratio))
    assert endless.given <= limit + 2 * stems.CHUNK


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    error = refused(tmp_path, make_zip(tmp_path / "s.zip", [("kick.wav", stem()), ("bomb.wav", b"\x00" * 5_000_000)],
                                       compression=zipfile.ZIP_DEFLATED), "compression_ratio", member="bomb.wav")
    assert "store" in error.message


def test_a_silent_stem_deflated_is_refused_for_its_ratio_and_stored_is_fine(tmp_path):
    silent = stem(silent=True, seconds=3.0)
    refused(tmp_path, make_zip(tmp_path / "d.zip", [("pad.wav", silent)], compression=zipfile.ZIP_DEFLATED),
            "compression_ratio", member="pad.wav")
    assert run(tmp_path, make_zip(tmp_path / "s.zip", [("pad.wav", silent)]))["members"][0]["name"] == "pad.wav"


@pytest.mark.parametrize("name", ["../x.wav", "stems/../../x.wav", "/abs.wav", "C:/x.wav", "C:x.wav",
                                  "stems\\x.wav", "..\\x.wav"])
def test_unsafe_names_are_refused(tmp_path, name):
    refused(tmp_path, [("ok.wav", stem()), (name, stem(seed=1))], "unsafe_path", member=name)


def test_an_unsafe_name_is_refused_even_on_junk_and_directories(tmp_path):
    refused(tmp_path, [("ok.wav", stem()), ("../__MACOSX/", b"")], "unsafe_path", member="../__MACOSX/")


def test_a_name_twice_is_refused(tmp_path):
    refused(tmp_path, [("kick.wav", stem()), ("KICK.wav", stem(seed=1))], "unsafe_path", member="KICK.wav")


def _inner_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as inner:
        inner.writestr("kick.wav", stem())
    return out.getvalue()


@pytest.mark.parametrize("name,content", [
    ("more.zip", None), ("more.rar", b"Rar!\x1a\x07\x00"), ("more.7z", b"7z\xbc\xaf\x27\x1c"), ("more.tar.gz", b"\x1f\x8b"),
    ("kick.wav", None),  # a ZIP named like a stem: found by its content
    ("bass.flac", b"\x1f\x8b\x08\x00" + b"\x00" * 600),  # gzip
    ("pad.wav", b"\x00" * 257 + b"ustar\x0000" + b"\x00" * 300),  # tar
    ("lead.wav", b"Rar!\x1a\x07\x01\x00" + b"\x01" * 600),
])
def test_nested_archives_are_refused_by_name_and_content(tmp_path, name, content):
    refused(tmp_path, [("ok.wav", stem()), (name, _inner_zip() if content is None else content)], "nested_archive",
            member=name)


def test_an_mp3_named_wav_is_lossy(tmp_path):
    refused(tmp_path, [("ok.wav", stem()), ("kick.wav", stem(fmt="MP3", subtype="MPEG_LAYER_III"))],
            "lossy_format", member="kick.wav")


def test_anything_else_is_unsupported(tmp_path):
    refused(tmp_path, [("ok.wav", stem()), ("notes.txt", b"bpm 140, key A minor\n")], "unsupported_format",
            member="notes.txt")


def test_a_stem_at_another_sample_rate(tmp_path):
    refused(tmp_path, [("ok.wav", stem()), ("hats.flac", stem(rate=48000, fmt="FLAC"))], "bad_sample_rate",
            member="hats.flac")


@pytest.mark.parametrize("seconds", [1.5, 4.5, 60.0])
def test_a_stem_of_another_length(tmp_path, seconds):
    error = refused(tmp_path, [("ok.wav", stem()), ("vox.flac", stem(seconds=seconds, fmt="FLAC"))],
                    "duration_mismatch", member="vox.flac")
    assert "3.0 s" in error.message


def test_a_flac_that_does_not_state_its_length_is_measured_by_decoding(tmp_path):
    flac = bytearray(stem(seconds=6.0, fmt="FLAC"))
    flac[8 + 13:8 + 18] = bytes([flac[8 + 13] & 0xF0, 0, 0, 0, 0])  # STREAMINFO total_samples = 0 ("unknown")
    refused(tmp_path, [("vox.flac", bytes(flac))], "duration_mismatch", member="vox.flac")


def test_a_truncated_wav_is_corrupt(tmp_path):
    whole = stem()
    refused(tmp_path, [("ok.wav", stem(seed=1)), ("cut.wav", whole[: len(whole) // 2])], "corrupt", member="cut.wav")


def test_a_flac_with_damaged_frames_is_corrupt(tmp_path):
    flac = bytearray(stem(fmt="FLAC", seed=3))
    middle = len(flac) // 2
    flac[middle:middle + 4000] = b"\xa5" * 4000
    refused(tmp_path, [("ok.wav", stem()), ("bad.flac", bytes(flac))], "corrupt", member="bad.flac")


def test_a_member_whose_crc_fails_is_corrupt(tmp_path):
    archive = make_zip(tmp_path / "s.zip", [("a.wav", stem())])
    data = bytearray(archive.read_bytes())
    data[5000] ^= 0xFF  # inside the stored WAV's samples: only the CRC can tell
    archive.write_bytes(bytes(data))
    refused(tmp_path, archive, "corrupt", member="a.wav")


def test_an_encrypted_member_is_unsupported(tmp_path):
    archive = make_zip(tmp_path / "s.zip", [("a.wav", stem())])
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1  # "encrypted" flag
    archive.write_bytes(bytes(data))
    refused(tmp_path, archive, "unsupported_format", member="a.wav")


def test_the_check_gives_up_at_its_deadline(tmp_path):
    archive = make_zip(tmp_path / "s.zip", [("a.wav", stem())])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(StemsRefused) as info:
        inspect(archive, TRACK, LIMITS, time.monotonic() - 1, scratch)
    assert info.value.code == "check_timeout"
    assert list(scratch.iterdir()) == []


def test_every_code_of_the_contract_is_one_the_check_can_give():
    source = Path(stems.__file__).read_text()
    assert {code for code in STEMS_REJECTION_CODES if f'"{code}"' not in source} == set()
