"""Where a track's derived files live in the media store, and writing them safely.

Every file is written under a hidden temporary name in the same directory and renamed into place,
so a reader never sees half a file and a re-run simply overwrites the previous renditions.

A process killed mid-write (SIGKILL, a watchdog exit, a lost machine) leaves its temporary
``.*.part.*`` file behind. Such a file untouched for ``STALE_PART_AGE_S`` is removed when the track is
rendered again, and across the whole store when the audio service starts (``StalePartSweeper``)."""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nameko.extensions import DependencyProvider

from services.common.media import AUDIO, MediaStore

log = logging.getLogger(__name__)

AREA = "renditions"
PART_GLOB = ".*.part.*"
#: a file being encoded is written to continuously; one untouched this long belongs to a dead process
STALE_PART_AGE_S = 10 * 60


@dataclass(frozen=True)
class RenditionKeys:
    stream: str
    download: str
    waveform: str

    def all(self) -> tuple[str, str, str]:
        return (self.stream, self.download, self.waveform)


def keys_for(track_id: str) -> RenditionKeys:
    base = f"{AREA}/{track_id}"
    return RenditionKeys(stream=f"{base}/stream.mp3", download=f"{base}/download.mp3",
                         waveform=f"{base}/waveform.json")


def write_atomically(store: MediaStore, key: str, write: Callable[[Path], object]) -> object:
    """Call ``write(temp_path)`` (the temp path keeps the final suffix, for encoders that go by
    it), then rename the result to ``key``; return what ``write`` returned."""
    target = store.writable_path(key)
    remove_stale_parts(target.parent)  # an earlier attempt at this track may have been killed mid-write
    temp = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.part{target.suffix}")
    try:
        result = write(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return result


def remove_stale_parts(directory: Path, older_than_s: float = STALE_PART_AGE_S) -> int:
    """Remove the temporary files in ``directory`` not written to for ``older_than_s``; return how many."""
    cutoff = time.time() - older_than_s
    removed = 0
    for part in directory.glob(PART_GLOB):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # finished (renamed) or removed meanwhile
    return removed


def sweep_stale_parts(store: MediaStore, older_than_s: float = STALE_PART_AGE_S) -> int:
    """``remove_stale_parts`` in every track's renditions directory; return how many files went."""
    base = store.root / AREA
    if not base.is_dir():
        return 0
    return sum(remove_stale_parts(directory, older_than_s) for directory in base.iterdir() if directory.is_dir())


class StalePartSweeper(DependencyProvider):
    """Sweeps what killed renditions left behind once, as the service starts (workers get nothing)."""

    def setup(self) -> None:
        removed = sweep_stale_parts(MediaStore.from_env(owner=AUDIO))
        if removed:
            log.info("removed %d temporary rendition file(s) left by a killed process", removed)


def waveform_json(peaks: list[float], duration_s: float) -> bytes:
    return json.dumps({"peaks": [round(float(p), 4) for p in peaks],
                       "duration_s": round(float(duration_s), 3)}).encode()


def delete(store: MediaStore, track_id: str) -> None:
    """Remove the track's renditions, temporary files a killed worker left behind, and then their
    directory; absent files are fine. Audio alone deletes renditions: catalog asks for it with
    ``track_deleted`` (docs/media-store.md)."""
    keys = keys_for(track_id)
    directory = store.path(keys.stream).parent
    leftovers = [f"{AREA}/{track_id}/{part.name}" for part in directory.glob(PART_GLOB)]
    store.delete(*keys.all(), *leftovers)
    try:
        directory.rmdir()
    except OSError:
        pass  # absent, or a file appeared meanwhile
