"""RIFF/RF64 WAVE chunk walker: reads what the header *claims* so it can be checked against the file."""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from .errors import corrupt, truncated, unsupported

PCM, IEEE_FLOAT, EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
# KSDATAFORMAT_SUBTYPE_* GUIDs share this tail after their 4-byte little-endian format code.
_GUID_TAIL = bytes.fromhex("000010008000 00aa00389b71".replace(" ", ""))
_U32_MAX = 0xFFFFFFFF


@dataclass(frozen=True)
class WavHeader:
    container: str          # "wav" | "rf64"
    format_tag: int         # PCM or IEEE_FLOAT, resolved through WAVE_FORMAT_EXTENSIBLE
    extensible: bool
    channels: int
    sample_rate: int
    bits_per_sample: int
    valid_bits: int
    block_align: int
    data_offset: int
    data_size: int          # as declared (ds64 for RF64)
    file_size: int

    @property
    def frames(self) -> int:
        return self.data_size // self.block_align if self.block_align else 0

    @property
    def available_bytes(self) -> int:
        return max(0, self.file_size - self.data_offset)


def read_wav_header(path: str | os.PathLike) -> WavHeader:
    file_size = os.path.getsize(path)
    with open(path, "rb") as f:
        riff = f.read(12)
        if len(riff) < 12 or riff[8:12] != b"WAVE":
            raise unsupported("This file is not a WAV file.")
        container = "rf64" if riff[:4] in (b"RF64", b"BW64") else "wav"
        ds64_data: int | None = None
        fmt: tuple | None = None
        pos = 12
        while True:
            f.seek(pos)
            hdr = f.read(8)
            if len(hdr) < 8:
                if fmt is None:
                    raise corrupt("no format chunk")
                raise truncated("the audio data chunk is missing")
            cid, size = hdr[:4], struct.unpack("<I", hdr[4:])[0]
            body_at = pos + 8
            if cid == b"ds64":
                body = f.read(min(size, 28))
                if len(body) < 24:
                    raise corrupt("the RF64 size chunk is incomplete")
                ds64_data = struct.unpack("<Q", body[8:16])[0]
            elif cid == b"fmt ":
                fmt = _parse_fmt(f.read(min(size, 40)))
            elif cid == b"data":
                if fmt is None:
                    raise corrupt("audio data comes before the format chunk")
                if container == "rf64" and size == _U32_MAX:
                    if ds64_data is None:
                        raise corrupt("an RF64 file without its ds64 size chunk")
                    size = ds64_data
                return _build(container, fmt, body_at, size, file_size)
            if body_at + size > file_size:
                raise truncated(f"the '{cid.decode('latin-1')}' chunk runs past the end of the file")
            pos = body_at + size + (size & 1)  # chunks are word-aligned


def _parse_fmt(body: bytes) -> tuple:
    if len(body) < 16:
        raise corrupt("the format chunk is too short")
    tag, channels, rate, _avg, block_align, bits = struct.unpack("<HHIIHH", body[:16])
    extensible = tag == EXTENSIBLE
    valid_bits = bits
    if extensible:
        if len(body) < 40:
            raise corrupt("the extensible format chunk is too short")
        valid_bits = struct.unpack("<H", body[18:20])[0] or bits
        sub = body[24:40]
        if sub[4:] != _GUID_TAIL:
            raise unsupported("This WAV uses an unknown sample encoding.")
        tag = struct.unpack("<I", sub[:4])[0]
    return tag, extensible, channels, rate, block_align, bits, valid_bits


def _build(container: str, fmt: tuple, data_offset: int, data_size: int, file_size: int) -> WavHeader:
    tag, extensible, channels, rate, block_align, bits, valid_bits = fmt
    ok = (tag == PCM and bits in (8, 16, 24, 32)) or (tag == IEEE_FLOAT and bits in (32, 64))
    if not ok:
        raise unsupported(f"This WAV uses a compressed or unusual encoding (format {tag:#06x}, {bits}-bit).",
                          format_tag=tag, bits=bits)
    if channels == 0 or rate == 0:
        raise corrupt("the header declares zero channels or a zero sample rate")
    if block_align != channels * bits // 8:
        raise corrupt("the header's frame size does not match its channels and bit depth",
                      block_align=block_align, channels=channels, bits=bits)
    return WavHeader(container, tag, extensible, channels, rate, bits, valid_bits, block_align,
                     data_offset, data_size, file_size)
