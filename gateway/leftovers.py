"""What a gateway process leaves behind only when it is killed mid-request: an Audio Recon clip (deleted after
every call, docs/recon.md) and a partial upload (``.<name>.<id>.part``, deleted on any error). The master sweeps
them as it starts (deploy/gunicorn.conf.py ``on_starting``), before a worker takes a request. Only files well past
the longest a request may take are touched, so a replica starting beside busy ones never takes a file in use."""
from __future__ import annotations

import time
from pathlib import Path

from services.common.media import AREAS, GATEWAY, MediaStore

RECON_AREA = "recon"
#: the least age of a leftover, however short the configured limits: an hour
MIN_AGE_S = 3600.0


def max_age_s(upload_max_seconds: float, recon_timeout_s: float) -> float:
    """Twice the longest an upload or a Recon call may take, and at least ``MIN_AGE_S``."""
    return max(MIN_AGE_S, 2 * upload_max_seconds, 2 * (upload_max_seconds + recon_timeout_s))


def sweep(media: MediaStore, older_than_s: float, now: float | None = None) -> list[Path]:
    """Delete Recon clips and partial uploads older than ``older_than_s``; the paths deleted."""
    cutoff = (time.time() if now is None else now) - older_than_s
    written = [area for area, rule in AREAS.items() if rule.writer == GATEWAY]
    candidates = [*_files(media.root / RECON_AREA, "*"),
                  *(path for area in written for path in _files(media.root / area, ".*.part"))]
    removed = []
    for path in dict.fromkeys(candidates):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # another replica's sweep, or the request that finished after all
            continue
    return removed


def _files(base: Path, pattern: str) -> list[Path]:
    return [path for path in base.rglob(pattern) if path.is_file()] if base.is_dir() else []
