"""A handler that hangs makes the real audio process report not ready on the gateway's /ready,
naming the handler, and then exit, so its message is redelivered to a healthy replica. Every line
the process wrote on stderr names the service."""
import json
import os
import subprocess
import sys
import time

import pytest

from devtools.audio import beat
from gateway.app import create_app
from services.audio.tests.integration.conftest import write_audio
from services.common.config import ROOT
from services.common.watchdog import EXIT_STATUS

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def gateway(amqp_uri):
    app = create_app({"AMQP_URI": amqp_uri, "JWT_SECRET": "watchdog-test-" + "x" * 32,
                      "READY_TIMEOUT_S": 3.0, "READY_SERVICES": ("audio",)})
    yield app.test_client()
    app.extensions["rpc"].close()


def test_a_stuck_handler_is_reported_then_the_process_exits_and_another_replica_answers(
        amqp_uri, audio_db, media, bus, uploads, start_audio, gateway, tmp_path):
    started = tmp_path / "started"
    env = {**os.environ, "AMQP_URI": amqp_uri, "AUDIO_DATABASE_URL": audio_db, "MEDIA_ROOT": str(media.root),
           "PYTHONPATH": str(ROOT), "AUDIO_TEST_STARTED": str(started),
           "AUDIO_HANDLER_STUCK_S": "2", "AUDIO_HANDLER_EXIT_S": "10"}
    log_path = tmp_path / "audio.log"
    with open(log_path, "wb") as log:
        stuck = subprocess.Popen([sys.executable, "-m", "services.audio.tests.integration.stuck_worker"],
                                 cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        event = uploads.upload(write_audio(tmp_path / "beat.wav", beat(12.0, seed=31)))
        wait_for(started.exists, 60, "the stuck worker to take the upload")

        def not_ready():
            response = gateway.get("/ready")
            return response if response.status_code == 503 else None

        response = wait_for(not_ready, 15, "/ready to report the stuck handler")
        check = response.get_json()["details"]["checks"]["audio"]
        assert check.startswith("stuck handler: audio.on_track_uploaded running for "), check

        assert stuck.wait(timeout=30) == EXIT_STATUS
    finally:
        if stuck.poll() is None:
            stuck.kill()
            stuck.wait()

    start_audio()  # a healthy replica gets the message the stuck one held unacked
    assert bus.answer_for(event["track_id"], timeout=60)["type"] == "audio_validated"

    lines = log_path.read_text().splitlines()
    json_lines = [json.loads(line) for line in lines if line.startswith("{")]
    raw_lines = [line for line in lines if not line.startswith("{")]
    assert {entry["service"] for entry in json_lines} == {"audio"}
    assert all(line.startswith("[audio] ") for line in raw_lines), raw_lines
    raw = "\n".join(raw_lines)
    assert "[audio] Traceback" in raw and "RuntimeError: an error raised in a green thread" in raw
    assert "UserWarning: a warning raised in an OS thread" in raw
    [exit_line] = [entry for entry in json_lines if entry["logger"] == "beatpass.watchdog"]
    assert exit_line["entrypoint"] == "audio.on_track_uploaded" and exit_line["running_s"] >= 10
    assert exit_line["msg"].startswith("exiting: handler audio.on_track_uploaded running for ")
