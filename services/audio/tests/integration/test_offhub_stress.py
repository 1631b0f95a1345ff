"""Many uploads at once through the real audio service process, logging at DEBUG, several fresh
processes in turn: every upload is answered and no OS thread touches a green primitive.

Before the fix, soundfile's lock (a green one after monkey patching) was taken by the analysis
threads: two files opened at the same moment left a worker waiting forever with its message unacked
while the service still answered pings (``greenlet.error: Cannot switch to a different thread`` on
stderr); once one waiter was stranded, every later file queued behind it. On that code this test
froze in about one round of ten (0 of 10 uploads answered), and the probe (``probed_worker``)
reported the cause in every round."""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from devtools.audio import beat
from services.audio.tests.integration.conftest import write_audio
from services.common.config import ROOT

pytestmark = pytest.mark.integration

ROUNDS = 3
UPLOADS_PER_ROUND = 10
SECONDS_PER_FILE = 4.0  # short files: more files opened per second, so more chances to collide
ROUND_TIMEOUT_S = 45.0


def start_service(amqp_uri, audio_db, media, log_path):
    env = {**os.environ, "AMQP_URI": amqp_uri, "AUDIO_DATABASE_URL": audio_db, "MEDIA_ROOT": str(media.root),
           "PYTHONPATH": str(ROOT), "LOG_LEVEL": "DEBUG", "AUDIO_CONCURRENCY": "4",
           "MAX_WORKERS": str(UPLOADS_PER_ROUND), "AUDIO_MIN_SECONDS": "3"}
    with open(log_path, "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "services.audio.tests.integration.probed_worker"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()  # a frozen worker does not finish: nothing to wait for
            process.wait()


def answered(bus, track_ids, deadline) -> dict:
    answers = {}
    for track_id in track_ids:
        found = bus.answers_for(track_id, timeout=max(0.0, deadline - time.monotonic()))
        if found:
            answers[track_id] = found[0]
    return answers


def test_concurrent_uploads_never_freeze_the_audio_service(amqp_uri, audio_db, media, bus, uploads, tmp_path):
    sources = [write_audio(tmp_path / f"beat-{seed}.wav", beat(SECONDS_PER_FILE, seed=seed))
               for seed in range(UPLOADS_PER_ROUND)]
    producer = str(uuid.uuid4())  # one producer throughout: re-uploading one's own beats is allowed
    for round_no in range(1, ROUNDS + 1):
        log_path = tmp_path / f"audio-{round_no}.log"
        service = start_service(amqp_uri, audio_db, media, log_path)
        try:
            track_ids = [uploads.upload(source, producer)["track_id"] for source in sources]
            answers = answered(bus, track_ids, time.monotonic() + ROUND_TIMEOUT_S)
        finally:
            stop(service)
        output = log_path.read_text(errors="replace")
        probe_lines = [line for line in output.splitlines() if line.startswith("PROBE")]
        assert len(answers) == len(track_ids), (
            f"round {round_no}: the audio service froze, {len(answers)} of {len(track_ids)} uploads answered "
            f"in {ROUND_TIMEOUT_S:.0f} s; its output ends with:\n{output[-3000:]}")
        refused = [answer for answer in answers.values() if answer["type"] != "audio_validated"]
        assert refused == [], f"round {round_no}: uploads refused: {refused[:3]}"
        assert probe_lines == [], f"round {round_no}: green primitives used in OS threads:\n" + "\n".join(
            sorted(set(probe_lines))[:5])
