"""Temporary rendition files a killed process left behind are removed; the ones being written are not."""
from __future__ import annotations

import os
import time
from pathlib import Path

from services.audio import renditions
from services.common.media import MediaStore

HOUR = 3600


def leftover(store: MediaStore, track_id: str, name: str, age_s: float) -> Path:
    path = store.writable_path(f"renditions/{track_id}/stream.mp3").with_name(name)
    path.write_bytes(b"half an mp3")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_rendering_a_track_again_removes_the_parts_a_killed_attempt_left(tmp_path) -> None:
    store = MediaStore(tmp_path)
    stale = leftover(store, "t1", ".stream.0123abcd.part.mp3", HOUR)
    in_progress = leftover(store, "t1", ".download.4567ef01.part.mp3", 5)  # another worker is writing it

    renditions.write_atomically(store, "renditions/t1/stream.mp3", lambda out: out.write_bytes(b"mp3"))

    assert not stale.exists()
    assert in_progress.exists()
    assert sorted(p.name for p in store.path("renditions/t1/stream.mp3").parent.iterdir()) == [
        ".download.4567ef01.part.mp3", "stream.mp3"]


def test_a_failed_write_leaves_no_part_file(tmp_path) -> None:
    store = MediaStore(tmp_path)

    def fail(out: Path) -> None:
        out.write_bytes(b"half")
        raise RuntimeError("encoder died")

    try:
        renditions.write_atomically(store, "renditions/t2/download.mp3", fail)
    except RuntimeError:
        pass
    assert list(store.path("renditions/t2/download.mp3").parent.iterdir()) == []


def test_the_sweep_removes_stale_parts_of_every_track_and_keeps_the_rest(tmp_path) -> None:
    store = MediaStore(tmp_path)
    stale = [leftover(store, "a", ".stream.1.part.mp3", HOUR), leftover(store, "b", ".download.2.part.mp3", HOUR)]
    fresh = leftover(store, "b", ".stream.3.part.mp3", 1)
    finished = leftover(store, "a", "stream.mp3", HOUR)

    assert renditions.sweep_stale_parts(store) == 2

    assert not any(path.exists() for path in stale)
    assert fresh.exists() and finished.exists()


def test_the_sweep_of_an_empty_store_does_nothing(tmp_path) -> None:
    assert renditions.sweep_stale_parts(MediaStore(tmp_path / "absent")) == 0
