"""What a killed gateway left in the media store (gateway/leftovers.py): old Recon clips and partial uploads go,
anything recent or complete stays."""
from __future__ import annotations

import os

from gateway import leftovers
from services.common.media import GATEWAY, MediaStore

NOW = 2_000_000_000.0
HOUR = 3600.0


def put(media: MediaStore, relative: str, age_s: float) -> str:
    path = media.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    os.utime(path, (NOW - age_s, NOW - age_s))
    return relative


def test_old_clips_and_partial_uploads_go_and_everything_else_stays(tmp_path):
    media = MediaStore(tmp_path, owner=GATEWAY)
    gone = [put(media, "recon/2026/12/old.mp3", 2 * HOUR),
            put(media, "uploads/2026/12/.beat.wav.1a2b.part", 3 * HOUR),
            put(media, "stems/2026/12/.s.zip.9f.part", 5 * HOUR)]
    kept = [put(media, "recon/2026/12/in-use.mp3", 60),  # a Recon call going on now
            put(media, "uploads/2026/12/.now.wav.3c.part", 120),  # an upload being received
            put(media, "uploads/2026/12/beat.wav", 9 * HOUR),  # a whole upload: catalog's file
            put(media, "renditions/2026/12/.x.mp3.part", 9 * HOUR),  # audio's area: not the gateway's to clean
            put(media, "covers/2026/12/c.png", 9 * HOUR)]
    removed = leftovers.sweep(media, HOUR, now=NOW)
    assert sorted(str(path.relative_to(tmp_path)) for path in removed) == sorted(gone)
    assert [name for name in kept if not (tmp_path / name).exists()] == []
    assert leftovers.sweep(media, HOUR, now=NOW) == []  # nothing left to do


def test_an_empty_or_missing_store_is_fine(tmp_path):
    assert leftovers.sweep(MediaStore(tmp_path / "nothing-yet", owner=GATEWAY), HOUR) == []


def test_the_age_is_well_past_the_longest_request():
    assert leftovers.max_age_s(upload_max_seconds=600, recon_timeout_s=120) == HOUR  # the floor
    assert leftovers.max_age_s(upload_max_seconds=3600, recon_timeout_s=300) == 2 * (3600 + 300)
