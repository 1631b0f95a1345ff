"""Multipart bodies, sample catalog answers and media-root inspection for the upload tests."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from urllib3 import encode_multipart_formdata

from gateway.tests.unit.support import USER_ID, bearer

TRACK_ID = "3c1c2a3e-0000-4000-8000-0000000000aa"
ARTIST_ID = "4d1c2a3e-0000-4000-8000-0000000000bb"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WAV = b"RIFF" + b"\x00" * 4 + b"WAVEfmt " + bytes(range(256)) * 80  # ~20 KB: more than MAX_BODY_BYTES


def metadata(**changes: Any) -> str:
    data = {"name": "Night Drive", "artists": ["Ana"], "bpm": 92, "key": "A", "scale": "minor",
            "cover_preset": "trap", **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None})


def multipart(parts: list[tuple[str, Any]]) -> tuple[bytes, str]:
    """``[(name, text) | (name, (filename, bytes, content_type))]`` in the order given."""
    return encode_multipart_formdata(parts, boundary="beatpass-test-boundary")


def post_form(http, path: str, parts: list[tuple[str, Any]], headers: dict[str, str] | None = None,
              method: str = "POST", **kwargs):
    body, content_type = multipart(parts)
    stream = CountingStream(body)
    headers = {**(bearer() if headers is None else headers), "Content-Type": content_type,
               "Content-Length": str(len(body))}
    response = http.open(path, method=method, input_stream=stream, headers=headers, **kwargs)
    response.bytes_read = stream.read_bytes  # type: ignore[attr-defined]
    response.body_size = len(body)  # type: ignore[attr-defined]
    return response


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = super().readinto(buffer)
        self.read_bytes += n
        return n


def stored_files(root: Path) -> list[Path]:
    """Every file in the media store, temporary ones included."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def track(**changes: Any) -> dict[str, Any]:
    return {"id": TRACK_ID, "name": "Night Drive", "artists": ["Ana"], "artist_id": ARTIST_ID,
            "producer_user_id": USER_ID, "collaborators": [], "bpm": 92, "key": "A", "scale": "minor",
            "genres": ["trap"], "tags": [], "description": None, "collection_id": None,
            "licensing_model": "standard", "exclusive": None, "sample_clearance": None, "cover_preset": "trap",
            "has_cover": False, "status": "processing", "rejection": None, "audio": None,
            "suspected_lossy_source": None, "play_count": 0, "metadata_completeness": 0.5,
            "created_at": "2026-01-01T00:00:00+00:00", "published_at": None, "audio_key": "uploads/2026/01/x.wav",
            **changes}
