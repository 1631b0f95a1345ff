"""The app with a recording stand-in for the RPC client: no broker needed."""
from __future__ import annotations

import pytest

from gateway.app import create_app
from gateway.tests.unit.support import DOWNLOAD_SECRET, SECRET, FakeRpc


@pytest.fixture
def rpc() -> FakeRpc:
    return FakeRpc()


@pytest.fixture
def media_root(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def app(rpc, media_root):
    app = create_app({"JWT_SECRET": SECRET, "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "MAX_BODY_BYTES": 8192,
                      "READY_SERVICES": ("accounts",), "MEDIA_ROOT": str(media_root),
                      "DOWNLOAD_URL_SECRET": DOWNLOAD_SECRET})
    app.extensions["rpc"] = rpc
    return app


@pytest.fixture
def http(app):
    return app.test_client()
