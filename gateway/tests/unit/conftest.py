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
def web_dist(tmp_path):
    """Where the browser app's build would be: empty unless a test builds a stand-in (test_web_app.py)."""
    return tmp_path / "web-dist"


@pytest.fixture
def app(rpc, media_root, web_dist):
    app = create_app({"JWT_SECRET": SECRET, "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "MAX_BODY_BYTES": 8192,
                      "READY_SERVICES": ("accounts",), "MEDIA_ROOT": str(media_root),
                      "DOWNLOAD_URL_SECRET": DOWNLOAD_SECRET, "WEB_DIST": str(web_dist)})
    app.extensions["rpc"] = rpc
    return app


@pytest.fixture
def http(app):
    return app.test_client()
