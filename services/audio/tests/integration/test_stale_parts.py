"""The audio service removes the temporary rendition files a killed process left, when it starts."""
from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.integration


def test_audio_start_removes_part_files_a_killed_rendition_left(media, start_audio) -> None:
    directory = media.root / "renditions" / "4f0c0a8e-killed"
    directory.mkdir(parents=True)
    stale = directory / ".stream.9a8b7c6d.part.mp3"
    stale.write_bytes(b"half an mp3")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    finished = directory / "stream.mp3"
    finished.write_bytes(b"a whole mp3")

    start_audio()

    assert not stale.exists()
    assert finished.exists()
