"""FLAC STREAMINFO reader (the mandatory first metadata block)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import corrupt, truncated, unsupported


@dataclass(frozen=True)
class FlacHeader:
    sample_rate: int
    channels: int
    bits_per_sample: int
    total_samples: int      # per channel; 0 means "unknown" in the spec
    max_block: int          # samples per frame; a fixed-blocksize stream numbers frames, not samples
    audio_offset: int       # first byte after the metadata blocks
    file_size: int


def read_flac_header(path: str | os.PathLike) -> FlacHeader:
    file_size = os.path.getsize(path)
    with open(path, "rb") as f:
        if f.read(4) != b"fLaC":
            raise unsupported("This file is not a FLAC file.")
        first = True
        max_block = 0
        info: tuple[int, int, int, int] | None = None
        pos = 4
        while True:
            f.seek(pos)
            hdr = f.read(4)
            if len(hdr) < 4:
                raise truncated("the FLAC metadata ends early")
            last, kind, size = hdr[0] & 0x80, hdr[0] & 0x7F, int.from_bytes(hdr[1:], "big")
            if first and (kind != 0 or size < 34):
                raise corrupt("the FLAC stream info block is missing")
            if kind == 0 and first:
                body = f.read(34)
                if len(body) < 34:
                    raise truncated("the FLAC stream info block is cut off")
                info = _parse_streaminfo(body)
                max_block = int.from_bytes(body[2:4], "big")
            first = False
            pos += 4 + size
            if pos > file_size:
                raise truncated("a FLAC metadata block runs past the end of the file")
            if last:
                break
    assert info is not None
    rate, channels, bps, total = info
    if rate == 0:
        raise corrupt("the FLAC header declares a zero sample rate")
    return FlacHeader(rate, channels, bps, total, max_block, pos, file_size)


def _parse_streaminfo(body: bytes) -> tuple[int, int, int, int]:
    packed = int.from_bytes(body[10:18], "big")  # 20 bits rate | 3 channels-1 | 5 bps-1 | 36 total samples
    rate = packed >> 44
    channels = ((packed >> 41) & 0x7) + 1
    bps = ((packed >> 36) & 0x1F) + 1
    total = packed & 0xFFFFFFFFF
    return rate, channels, bps, total


TAIL_BYTES = 1 << 18


def last_frame_end(path: str | os.PathLike, header: FlacHeader) -> int | None:
    """Sample index where the last intact frame header near the end of the file says its frame ends.

    Tells a cut-off file (its last frame ends well before total_samples) from one damaged in the middle.
    Frame headers are found by sync code and confirmed by their CRC-8.
    """
    start = max(header.audio_offset, header.file_size - TAIL_BYTES)
    with open(path, "rb") as f:
        f.seek(start)
        tail = f.read()
    i = len(tail) - 2
    while i >= 0:
        i = tail.rfind(b"\xff", 0, i + 1)
        if i < 0:
            return None
        if i + 1 < len(tail) and tail[i + 1] in (0xF8, 0xF9):
            parsed = _frame_header(tail, i, header.max_block)
            if parsed is not None:
                return parsed
        i -= 1
    return None


def _frame_header(buf: bytes, at: int, max_block: int) -> int | None:
    try:
        variable = buf[at + 1] & 1
        bs_code, rate_code = buf[at + 2] >> 4, buf[at + 2] & 0xF
        if bs_code == 0 or rate_code == 15 or buf[at + 3] >> 4 > 10 or buf[at + 3] & 1:
            return None
        first = buf[at + 4]
        extra = 0 if first < 0x80 else (8 - (first ^ 0xFF).bit_length()) - 1  # UTF-8 style length
        if extra < 0 or extra > 6 or (first >= 0x80 and extra == 0):
            return None
        number = first & (0x7F >> extra) if extra else first
        pos = at + 5
        for _ in range(extra):
            if buf[pos] & 0xC0 != 0x80:
                return None
            number = (number << 6) | (buf[pos] & 0x3F)
            pos += 1
        if bs_code == 1:
            block = 192
        elif bs_code <= 5:
            block = 576 << (bs_code - 2)
        elif bs_code == 6:
            block, pos = buf[pos] + 1, pos + 1
        elif bs_code == 7:
            block, pos = int.from_bytes(buf[pos:pos + 2], "big") + 1, pos + 2
        else:
            block = 256 << (bs_code - 8)
        pos += {12: 1, 13: 2, 14: 2}.get(rate_code, 0)
        if _crc8(buf[at:pos]) != buf[pos]:
            return None
    except IndexError:
        return None
    return (number if variable else number * max_block) + block


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc
