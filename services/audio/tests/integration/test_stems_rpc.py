"""audio.check_stems over the real broker: the manifest, a coded refusal as the gateway receives it, and a
check that runs off the hub (the service keeps answering while an archive is being read)."""
from __future__ import annotations

import io
import time
import zipfile

import eventlet
import numpy as np
import pytest
import soundfile as sf
from nameko.standalone.rpc import ServiceRpcProxy

from gateway.rpc import RpcClient
from services.audio import stems
from services.contracts.errors import InvalidField

pytestmark = pytest.mark.integration

RATE = 44100


def _zip(media, name: str, **members: float) -> str:
    """``members``: file name (``_`` for the dot) → seconds of noise."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, seconds in members.items():
            audio = io.BytesIO()
            noise = np.random.default_rng(len(member)).uniform(-0.3, 0.3, (int(seconds * RATE), 2))
            sf.write(audio, noise.astype(np.float32), RATE, format="WAV", subtype="PCM_16")
            archive.writestr(member.replace("_", "."), audio.getvalue())
    key = f"stems/2026/12/{name}.zip"
    media.save_bytes(key, out.getvalue())
    return key


def test_check_stems_answers_the_manifest(audio, media, rabbit_config):
    key = _zip(media, "good", kick_wav=3.0, snare_wav=3.2)
    with ServiceRpcProxy("audio", rabbit_config) as proxy:
        manifest = proxy.check_stems(stems_key=key, sample_rate=RATE, duration_s=3.0)
    assert [(m["name"], m["channels"], m["duration_s"]) for m in manifest["members"]] == [
        ("kick.wav", 2, 3.0), ("snare.wav", 2, 3.2)]
    assert manifest["size_bytes"] == media.size(key)
    assert media.exists(key)  # audio only reads the archive: what becomes of it is the gateway's and catalog's call


def test_a_refused_archive_reaches_the_gateway_as_an_invalid_field_with_its_code(audio, media, amqp_uri):
    key = _zip(media, "long", kick_wav=3.0, vox_wav=6.0)
    client = RpcClient(amqp_uri, timeout=30)
    try:
        with pytest.raises(InvalidField) as caught:
            client.call("audio", "check_stems", kwargs={"stems_key": key, "sample_rate": RATE, "duration_s": 3.0})
    finally:
        client.close()
    details = caught.value.details
    assert details["code"] == "duration_mismatch" and details["member"] == "vox.wav"
    assert details["stems"][0].startswith("vox.wav lasts 6.0 s")


def test_the_service_answers_while_an_archive_is_checked(audio, media, rabbit_config, monkeypatch):
    """The check runs in an OS thread: a CPU-bound second does not stop the hub from serving ``ping``."""
    finished: list[float] = []

    def busy(*args):
        until = time.monotonic() + 1.5
        while time.monotonic() < until:
            sum(range(1000))  # pure CPU, never yields to the hub
        finished.append(time.monotonic())
        return {"members": [], "size_bytes": 0, "uncompressed_bytes": 0}

    monkeypatch.setattr(stems, "inspect", busy)
    key = _zip(media, "slow", kick_wav=3.0)
    with ServiceRpcProxy("audio", rabbit_config) as checker, ServiceRpcProxy("audio", rabbit_config) as pinger:
        checking = eventlet.spawn(checker.check_stems, stems_key=key, sample_rate=RATE, duration_s=3.0)
        eventlet.sleep(0.3)
        assert pinger.ping() == "pong"
        answered = time.monotonic()
        assert checking.wait()["members"] == []
    assert answered < finished[0]  # on the hub, the check would have held ping until it was done
