"""Container detection from the file's first bytes — never from its name."""
from __future__ import annotations

import os

from .errors import UPLOAD_HINT, Rejection, unsupported

_LOSSY_HINT = ("Only lossless audio is accepted: a lossy file re-saved as WAV/FLAC still sounds lossy. "
               "Upload the original WAV or FLAC export from your project.")


def _lossy(kind: str) -> Rejection:
    return Rejection("lossy_format", f"This file is {kind}, a lossy format. {_LOSSY_HINT}", {"detected": kind})


def sniff(path: str | os.PathLike) -> str:
    """Return "wav", "rf64" or "flac", or raise Rejection."""
    with open(path, "rb") as f:
        head = f.read(64)
    if not head:
        raise unsupported("The file is empty.", detected="empty")
    if len(head) >= 12 and head[8:12] == b"WAVE":
        if head[:4] == b"RIFF":
            return "wav"
        if head[:4] in (b"RF64", b"BW64"):
            return "rf64"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:3] == b"ID3":
        if _after_id3(path, head) == b"fLaC":
            raise unsupported("This FLAC file starts with an ID3 tag, which FLAC does not allow. Remove the tag "
                              "(or re-export without it).", detected="id3+flac")
        raise _lossy("MP3 (ID3-tagged)")
    if head[:4] == b"OggS":
        raise _lossy("Ogg (Vorbis/Opus)")
    if len(head) >= 8 and head[4:8] == b"ftyp":
        raise _lossy("MP4/M4A (AAC)")
    if head[:4] == bytes.fromhex("3026b275"):
        raise _lossy("WMA/ASF")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x3
        raise _lossy("AAC (ADTS)" if layer == 0 else "MPEG audio (MP3)")
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        kind = "compressed AIFF-C" if head[8:12] == b"AIFC" else "AIFF"
        raise unsupported(f"This file is {kind}, which is not accepted.", detected=kind)
    if head[:4] == b"RIFF":
        raise unsupported("This RIFF file is not a WAV audio file.", detected="riff")
    raise unsupported("This file is not a recognised audio file.", detected=_describe(head))


MP3_KINDS = ("MP3 (ID3-tagged)", "MPEG audio (MP3)")
CLIP_HINT = "Send a WAV, FLAC or MP3 clip."


def sniff_clip(path: str | os.PathLike) -> str:
    """An Audio Recon clip's container: "wav", "rf64", "flac" or "mp3", judged as uploads are, except
    that MPEG audio is welcome; another lossy format is ``unsupported_format`` (recon takes no Ogg or AAC),
    and every refusal says what a clip may be."""
    try:
        return sniff(path)
    except Rejection as rejection:
        detected = rejection.details.get("detected")
        if rejection.code == "lossy_format" and detected in MP3_KINDS:
            return "mp3"
        if rejection.code == "lossy_format":
            raise Rejection("unsupported_format", f"This file is {detected}, which Audio Recon does not read. "
                            f"{CLIP_HINT}", rejection.details) from None
        raise Rejection(rejection.code, rejection.message.replace(UPLOAD_HINT, CLIP_HINT), rejection.details) \
            from None


def _after_id3(path: str | os.PathLike, head: bytes) -> bytes:
    if len(head) < 10:
        return b""
    size = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | head[9] & 0x7F)
    with open(path, "rb") as f:  # ID3v2 size is "syncsafe": 7 bits per byte
        f.seek(size)
        return f.read(4)


def _describe(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "text"
    return "unknown"
