"""Settings from the environment; the development JWT secret; trusted proxies."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from gateway import settings
from gateway.app import create_app
from gateway.tests.unit.support import private_user


def test_defaults(monkeypatch):
    for name in ("JWT_ISSUER", "JWT_AUDIENCE", "JWT_TTL_S", "RPC_TIMEOUT_S", "MAX_BODY_BYTES",
                 "GATEWAY_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    config = settings.load({"JWT_SECRET": "s"})
    assert (config["JWT_ISSUER"], config["JWT_AUDIENCE"], config["JWT_TTL_S"]) == ("beatpass", "beatpass-api", 3600)
    assert (config["RPC_TIMEOUT_S"], config["MAX_BODY_BYTES"], config["GATEWAY_TRUSTED_PROXIES"]) == (5, 1048576, 0)


def test_environment_wins(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "from-env")
    monkeypatch.setenv("RPC_TIMEOUT_S", "2.5")
    monkeypatch.setenv("MAX_BODY_BYTES", "100")
    config = settings.load()
    assert (config["JWT_SECRET"], config["RPC_TIMEOUT_S"], config["MAX_BODY_BYTES"]) == ("from-env", 2.5, 100)


def test_a_bad_number_stops_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("RPC_TIMEOUT_S", "soon")
    with pytest.raises(SystemExit, match="RPC_TIMEOUT_S"):
        settings.load({"JWT_SECRET": "s"})


def _secret_in(directory: str, queue) -> None:
    queue.put(settings.jwt_secret(Path(directory)))


def test_without_jwt_secret_a_dev_secret_is_made_once_and_shared(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    first = settings.jwt_secret(tmp_path)
    assert len(first) >= 32
    assert "JWT_SECRET is not set" in caplog.text
    assert settings.jwt_secret(tmp_path) == first
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o077 == 0  # only the owner can read it


def test_workers_starting_together_agree_on_the_dev_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_secret_in, args=(str(tmp_path), queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    secrets = {queue.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(60)
    assert len(secrets) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["jwt_secret"]  # no temporary files left


@pytest.mark.parametrize("trusted, expected", [(0, "127.0.0.1"), (1, "198.51.100.7")])
def test_client_ip_comes_from_x_forwarded_for_only_behind_trusted_proxies(rpc, trusted, expected):
    app = create_app({"JWT_SECRET": "s" * 64, "GATEWAY_TRUSTED_PROXIES": trusted})
    app.extensions["rpc"] = rpc
    rpc.answers[("accounts", "register")] = private_user()
    app.test_client().post("/api/v1/auth/register", headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.7"},
                           json={"email": "ana@example.com", "password": "long enough pw", "username": "ana"})
    assert rpc.calls[0]["kwargs"]["client_ip"] == expected
