"""The gateway's application factory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import errors, hooks, openapi, settings
from gateway.blueprints import ALL as BLUEPRINTS
from gateway.rpc import RpcClient
from services.common.media import GATEWAY, MediaStore


def create_app(config_overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.update(settings.load(config_overrides))
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep schema order: easier to read

    trusted = int(app.config["GATEWAY_TRUSTED_PROXIES"])
    if trusted > 0:
        # only that many X-Forwarded-For hops are believed; remote_addr then is the real client
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted)  # type: ignore[method-assign]

    # connections are opened lazily, per thread, on the first call: safe to create before a fork
    app.extensions["rpc"] = RpcClient(app.config["AMQP_URI"], timeout=float(app.config["RPC_TIMEOUT_S"]))

    app.extensions["media"] = MediaStore(Path(app.config["MEDIA_ROOT"]), owner=GATEWAY)
    hooks.register(app)
    errors.register(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.extensions["openapi"] = openapi.build(app)
    return app
