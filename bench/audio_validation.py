"""Audio upload validation: analyse() vs a bare soundfile block read of the same 3-minute 24-bit stereo WAV.

Self-contained (no broker, no database): ``python -m bench.audio_validation`` prints the rows; ``run()``
returns them for ``make bench``. Times are best of 3; memory is the peak-RSS growth of a child process
running analyse(), above that child's own idle peak after importing everything.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf

from services.audio.analysis import Limits, analyse, fingerprint, render_download_mp3, render_stream

FS = 44100
SECONDS = 180
BLOCK = 65536
RATIO_TARGET = 1.5

# idle = resident set after every import (ru_maxrss there would include import-time transients);
# peak = ru_maxrss after analyse(), so the difference is what analysing the file added at its worst.
_CHILD = """
import json, os, resource, sys
from services.audio.analysis import Limits, analyse
with open("/proc/self/statm") as f:
    idle_kb = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
analyse(sys.argv[1], Limits())
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"idle_kb": idle_kb, "peak_kb": peak_kb}))
"""


def make_wav(path: Path) -> Path:
    """A beat-like 3-minute 24-bit stereo file: filtered noise bursts over a bass tone, written block-wise."""
    rng = np.random.default_rng(42)
    t0 = 0
    with sf.SoundFile(path, "w", FS, 2, subtype="PCM_24") as f:
        while t0 < FS * SECONDS:
            n = min(BLOCK, FS * SECONDS - t0)
            t = (t0 + np.arange(n)) / FS
            env = np.exp(-((t * 4) % 1.0) * 8)  # a hit every quarter second
            bass = 0.3 * np.sin(2 * np.pi * 55 * t)
            hits = 0.25 * env[:, None] * rng.standard_normal((n, 2))
            f.write((bass[:, None] + hits).astype(np.float32))
            t0 += n
    return path


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_read(path: Path) -> None:
    with sf.SoundFile(path) as f:
        for _ in f.blocks(BLOCK, dtype="float32", always_2d=True):
            pass


def child_rss_mb(path: Path) -> tuple[float, float]:
    """(idle RSS MB, peak growth MB above idle) of a fresh interpreter running analyse() once."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=root, check=True, capture_output=True,
                         text=True, timeout=300)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["idle_kb"] / 1024, (data["peak_kb"] - data["idle_kb"]) / 1024  # ru_maxrss is in KiB on Linux


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        wav = make_wav(Path(tmp) / "three_minutes.wav")
        baseline = best_of(lambda: bare_read(wav))
        project = best_of(lambda: analyse(wav, Limits()))
        rows = [{"benchmark": "analyse 3 min 24-bit stereo WAV", "project_s": round(project, 3),
                 "baseline": "soundfile block read", "baseline_s": round(baseline, 3),
                 "ratio": round(project / baseline, 2), "target_ratio": RATIO_TARGET,
                 "met": project / baseline <= RATIO_TARGET}]
        for name, fn in (("render_stream (MP3 VBR ~190k)", lambda: render_stream(wav, Path(tmp) / "s.mp3")),
                         ("render_download_mp3 (MP3 320 CBR)", lambda: render_download_mp3(wav, Path(tmp) / "d.mp3")),
                         ("fingerprint (fpcalc -length 0)", lambda: fingerprint(wav))):
            seconds = best_of(fn)
            rows.append({"benchmark": name, "project_s": round(seconds, 3), "baseline": "soundfile block read",
                         "baseline_s": round(baseline, 3), "ratio": round(seconds / baseline, 2),
                         "realtime_x": round(SECONDS / seconds, 1)})
        idle_mb, growth_mb = child_rss_mb(wav)
        rows.append({"benchmark": "analyse peak RSS growth (child process)", "project_mb": round(growth_mb, 1),
                     "idle_mb": round(idle_mb, 1), "file_mb": round(wav.stat().st_size / 2**20, 1)})
        return rows


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
