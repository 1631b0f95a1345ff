"""Where a track's derived files live in the media store, and writing them safely.

Every file is written under a hidden temporary name in the same directory and renamed into place,
so a reader never sees half a file and a re-run simply overwrites the previous renditions."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from services.common.media import MediaStore


@dataclass(frozen=True)
class RenditionKeys:
    stream: str
    download: str
    waveform: str

    def all(self) -> tuple[str, str, str]:
        return (self.stream, self.download, self.waveform)


def keys_for(track_id: str) -> RenditionKeys:
    base = f"renditions/{track_id}"
    return RenditionKeys(stream=f"{base}/stream.mp3", download=f"{base}/download.mp3",
                         waveform=f"{base}/waveform.json")


def write_atomically(store: MediaStore, key: str, write: Callable[[Path], object]) -> object:
    """Call ``write(temp_path)`` (the temp path keeps the final suffix, for encoders that go by
    it), then rename the result to ``key``; return what ``write`` returned."""
    target = store.writable_path(key)
    temp = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.part{target.suffix}")
    try:
        result = write(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return result


def waveform_json(peaks: list[float], duration_s: float) -> bytes:
    return json.dumps({"peaks": [round(float(p), 4) for p in peaks],
                       "duration_s": round(float(duration_s), 3)}).encode()


def delete(store: MediaStore, track_id: str) -> None:
    """Remove the track's renditions, temporary files a killed worker left behind, and then their
    directory; absent files are fine."""
    keys = keys_for(track_id)
    store.delete(*keys.all())
    directory = store.path(keys.stream).parent
    for leftover in directory.glob(".*.part.*"):
        leftover.unlink(missing_ok=True)
    try:
        directory.rmdir()
    except OSError:
        pass  # absent, or a file appeared meanwhile
