"""The media store: where uploaded audio, covers and derived files live, addressed by key.

Large files never travel over AMQP: the gateway streams an upload here and passes the key on.
This implementation is a directory (``MEDIA_ROOT``, default ``var/media``) shared by the gateway
and the services that read or write files (a shared volume in Docker/Kubernetes). Writes go to a
temporary file that is renamed into place, so a reader never sees half a file.

Every area (the first part of a key) has one owner, the only process that deletes its files
(``AREAS``; docs/media-store.md says who writes, who deletes and when). A store is opened as a
process (``owner``), and ``delete`` refuses keys of an area that process does not own, so no file
has two deleters racing each other or deleting what the other still references.
"""
from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from services.common import config

CHUNK = 1024 * 1024
_KEY = re.compile(r"^[a-z0-9_-]+(/[A-Za-z0-9_.-]+)+$")


class MediaError(Exception):
    pass


class TooLarge(MediaError):
    def __init__(self, limit: int):
        super().__init__(f"larger than the limit of {limit} bytes")
        self.limit = limit


class TooSlow(MediaError):
    def __init__(self, seconds: float):
        super().__init__(f"not received within {seconds:.0f} s")
        self.seconds = seconds


class NotOwner(MediaError):
    """A process tried to delete a file of an area it does not own: a bug, never a user's mistake."""


GATEWAY, CATALOG, AUDIO, LICENSING, ACCOUNTS = "gateway", "catalog", "audio", "licensing", "accounts"


@dataclass(frozen=True)
class Area:
    owner: str  # deletes the area's files (after its commit no longer references them)
    writer: str  # writes new files there; may remove one only before handing its key over


#: every area of the store, by its key prefix
AREAS: dict[str, Area] = {
    "uploads": Area(owner=CATALOG, writer=GATEWAY),  # the uploaded audio
    "covers": Area(owner=CATALOG, writer=GATEWAY),  # track and collection covers
    "images": Area(owner=CATALOG, writer=GATEWAY),  # artist avatars, covers and gallery
    "renditions": Area(owner=AUDIO, writer=AUDIO),  # stream, download and waveform of each track
    "stems": Area(owner=CATALOG, writer=GATEWAY),  # a track's stems archive (ZIP of WAV/FLAC)
    "certificates": Area(owner=LICENSING, writer=LICENSING),  # licence certificates (PDF)
    "deliverables": Area(owner=LICENSING, writer=LICENSING),  # an exclusive licence's WAV and tagged WAV
    "presets": Area(owner=CATALOG, writer=CATALOG),  # the preset covers catalog draws (docs/covers.md)
    "thumbnails": Area(owner=CATALOG, writer=CATALOG),  # covers scaled to COVER_SIZES, made on first request
    "recon": Area(owner=GATEWAY, writer=GATEWAY),  # an Audio Recon clip, for the length of one request
    "avatars": Area(owner=ACCOUNTS, writer=GATEWAY),  # user accounts' avatars (accounts keeps who has which)
}


def area_of(key: str) -> Area:
    prefix = key.split("/", 1)[0]
    if prefix not in AREAS:
        raise MediaError(f"media key {key!r} is in no known area ({', '.join(AREAS)})")
    return AREAS[prefix]


class MediaStore:
    """The store as seen by one process: ``owner`` names it (``catalog``, ``audio``, ``gateway``);
    a store opened without one reads and writes but deletes nothing."""

    def __init__(self, root: Path, owner: str | None = None):
        self.root = Path(root)
        self.owner = owner

    @classmethod
    def from_env(cls, owner: str | None = None) -> "MediaStore":
        return cls(Path(config.env("MEDIA_ROOT", str(config.var_dir() / "media"))), owner)

    @staticmethod
    def new_key(area: str, suffix: str = "") -> str:
        """``area/YYYY/MM/<uuid><suffix>`` — area is e.g. ``uploads``, ``covers``, ``renditions``."""
        now = datetime.now(timezone.utc)
        return f"{area}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"

    def path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key.split("/"):
            raise MediaError(f"invalid media key {key!r}")
        return self.root / key

    def save_stream(self, key: str, stream: BinaryIO, max_bytes: int, max_seconds: float | None = None) -> int:
        """Copy ``stream`` to ``key`` in chunks (never whole in memory); return its size.

        Raises ``TooLarge`` past ``max_bytes`` and ``TooSlow`` past ``max_seconds``; either way no
        file is left behind.
        """
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        deadline = time.monotonic() + max_seconds if max_seconds else None
        size = 0
        try:
            with open(partial, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    if deadline is not None and time.monotonic() > deadline:
                        raise TooSlow(max_seconds)
                    out.write(chunk)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    def save_bytes(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        partial.write_bytes(data)
        os.replace(partial, target)

    def writable_path(self, key: str) -> Path:
        """A path to write a derived file to (the caller writes, then it is in place)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def read_head(self, key: str, n: int = 64) -> bytes:
        with open(self.path(key), "rb") as f:
            return f.read(n)

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with open(self.path(key), "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def delete(self, *keys: str | None) -> None:
        """Delete the files of ``keys`` (absent ones are fine); ``NotOwner`` — and nothing deleted —
        if any of them is in an area this process does not own."""
        self._unlink_checked(keys, lambda area: area.owner, "may not delete", "{} owns that area")

    def discard_unclaimed(self, *keys: str | None) -> None:
        """The writer of an area removes files it wrote and never handed over (a refused upload);
        ``NotOwner`` if this process is not the area's writer."""
        self._unlink_checked(keys, lambda area: area.writer, "did not write", "only {} discards new files there")

    def _unlink_checked(self, keys: tuple[str | None, ...], role: Callable[[Area], str | None], refused: str,
                        holder: str) -> None:
        present = [key for key in keys if key]
        for key in present:  # every key is checked before any file goes
            if role(area_of(key)) != self.owner:
                raise NotOwner(f"{self.owner or 'a store without owner'} {refused} {key!r}: "
                               + holder.format(role(area_of(key))))
        self._unlink(present)

    def _unlink(self, keys: list[str]) -> None:
        for key in keys:
            self.path(key).unlink(missing_ok=True)

    def keys(self, area: str) -> list[str]:
        base = self.root / area
        if not base.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file()
                      and not p.name.startswith("."))
