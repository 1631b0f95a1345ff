"""Container sniffing by content and the WAV/FLAC header readers."""
from __future__ import annotations

import struct

import pytest

from services.audio.analysis import Limits, Rejection, analyse, sniff
from services.audio.analysis.flacheader import read_flac_header
from services.audio.analysis.wavheader import EXTENSIBLE, IEEE_FLOAT, PCM, read_wav_header

from .signals import FS, raw_wav_header, sine, write


def _code(fn, *args) -> str:
    with pytest.raises(Rejection) as info:
        fn(*args)
    assert info.value.message and info.value.message.endswith(".")
    return info.value.code


@pytest.mark.parametrize("fmt,subtype", [("MP3", "MPEG_LAYER_III"), ("OGG", "VORBIS"), ("OGG", "OPUS")])
def test_lossy_files_renamed_wav_are_lossy_format(tmp_path, fmt, subtype):
    rate = 48000 if subtype == "OPUS" else FS
    path = write(tmp_path / "beat.wav", sine(11, fs=rate), rate, subtype=subtype, fmt=fmt)
    assert _code(sniff, path) == "lossy_format"
    assert _code(analyse, path, Limits()) == "lossy_format"


@pytest.mark.parametrize("head,code", [
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "lossy_format"),
    (bytes([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC]), "lossy_format"),            # AAC ADTS
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00", "lossy_format"),                    # MP4/M4A
    (b"FORM\x00\x00\x10\x00AIFCFVER\x00\x00\x00\x04", "unsupported_format"),         # AIFF-C
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "unsupported_format"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "unsupported_format"),
    (b"title,artist\nmy beat,me\n", "unsupported_format"),
    (b"RIFF\x24\x00\x00\x00AVI LIST", "unsupported_format"),
    (b"", "unsupported_format"),
])
def test_sniff_judges_content_not_name(tmp_path, head, code):
    path = tmp_path / "upload.wav"
    path.write_bytes(head)
    assert _code(sniff, path) == code
    assert _code(analyse, path, Limits()) == code


def test_id3_tag_in_front_of_flac_is_named(tmp_path):
    flac = write(tmp_path / "a.flac", sine(1), fmt="FLAC")
    path = tmp_path / "tagged.flac"
    path.write_bytes(b"ID3\x04\x00\x00\x00\x00\x01\x00" + b"\x00" * 128 + flac.read_bytes())  # 128-byte tag
    with pytest.raises(Rejection) as info:
        sniff(path)
    assert info.value.code == "unsupported_format" and info.value.details["detected"] == "id3+flac"


def test_sniff_accepts_lossless_whatever_the_name(tmp_path):
    x = sine(1)
    assert sniff(write(tmp_path / "a.mp3", x, fmt="WAV")) == "wav"
    assert sniff(write(tmp_path / "b.bin", x, fmt="RF64")) == "rf64"
    assert sniff(write(tmp_path / "c.wav", x, fmt="FLAC")) == "flac"


@pytest.mark.parametrize("fmt,subtype,tag,bits,ext", [
    ("WAV", "PCM_16", PCM, 16, False), ("WAV", "PCM_24", PCM, 24, False), ("WAV", "PCM_32", PCM, 32, False),
    ("WAV", "FLOAT", IEEE_FLOAT, 32, False), ("WAVEX", "PCM_24", PCM, 24, True),
    ("WAVEX", "FLOAT", IEEE_FLOAT, 32, True),
    ("RF64", "PCM_24", PCM, 24, True),  # libsndfile writes RF64 with an extensible fmt chunk
])
def test_wav_header(tmp_path, fmt, subtype, tag, bits, ext):
    path = write(tmp_path / "x.wav", sine(1.5).reshape(-1, 1).repeat(2, axis=1), subtype=subtype, fmt=fmt)
    h = read_wav_header(path)
    assert (h.format_tag, h.bits_per_sample, h.extensible, h.channels, h.sample_rate) == (tag, bits, ext, 2, FS)
    assert h.container == ("rf64" if fmt == "RF64" else "wav")
    assert h.frames == int(1.5 * FS)
    assert h.data_offset + h.data_size <= h.file_size
    if fmt == "WAVEX":  # plain RIFF: fmt is the first chunk, its tag at byte 20
        raw = path.read_bytes()
        assert struct.unpack("<H", raw[20:22])[0] == EXTENSIBLE


def test_flac_header(tmp_path):
    path = write(tmp_path / "x.flac", sine(2.0, fs=96000).reshape(-1, 1).repeat(2, axis=1), 96000, "PCM_24")
    h = read_flac_header(path)
    assert (h.sample_rate, h.channels, h.bits_per_sample, h.total_samples) == (96000, 2, 24, 192000)
    assert 4 < h.audio_offset < h.file_size


def test_header_lies_are_caught(tmp_path):
    path = tmp_path / "lie.wav"
    path.write_bytes(raw_wav_header(2, FS, 16, 400, declared=10_000_000) + b"\x00" * 400)
    with pytest.raises(Rejection) as info:
        analyse(path, Limits())
    assert info.value.code == "truncated"
    assert info.value.details["declared_bytes"] == 10_000_000
