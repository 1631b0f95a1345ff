"""Gateway settings, read from environment variables only (README: Configuration)."""
from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any

from services.common import config

log = logging.getLogger(__name__)


def jwt_secret(var_dir: Path | None = None) -> str:
    """JWT_SECRET, or a development secret generated once and shared through a file.

    Several gunicorn workers start at once: the file is written under a temporary name and
    hard-linked into place, so exactly one worker's secret wins and every worker reads that one.
    """
    value = os.environ.get("JWT_SECRET")
    if value:
        return value
    directory = var_dir or config.var_dir()
    path = directory / "jwt_secret"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        candidate = directory / f".jwt_secret.{os.getpid()}.{secrets.token_hex(4)}"
        candidate.write_text(secrets.token_urlsafe(48))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
            log.warning("JWT_SECRET is not set: generated a development secret in %s; "
                        "set JWT_SECRET in production", path)
        except FileExistsError:
            pass  # another worker won the race; use its secret
        finally:
            candidate.unlink()
    for _ in range(50):  # a hard link appears complete, but be tolerant of odd filesystems
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise SystemExit(f"configuration error: {path} is empty; delete it or set JWT_SECRET")


#: shorter secrets are refused at start: an HMAC key should be at least as long as its 32-byte output
DOWNLOAD_SECRET_MIN = 32


def require_download_secret(secret: str | None) -> None:
    """Refuse to start without DOWNLOAD_URL_SECRET (gunicorn's master calls this before any worker boots).

    A secret made up per process would break every download URL another worker or replica signed, and one
    kept in a file (as JWT_SECRET's development fallback is) would not reach the other replicas either; so
    there is no fallback here: ``make run`` and the tests start the gateway with one made per run
    (devtools/platform.py), and a deployment sets it (docs/configuration.md)."""
    secret = (secret or "").strip()
    if len(secret) < DOWNLOAD_SECRET_MIN:
        state = "is not set" if not secret else f"is {len(secret)} characters long"
        raise SystemExit(f"configuration error: DOWNLOAD_URL_SECRET {state}; set it to at least "
                         f"{DOWNLOAD_SECRET_MIN} random characters, the same for every gateway replica "
                         "(e.g. openssl rand -base64 48)")


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's configuration: environment first, then ``overrides`` (tests, embedding)."""
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {
        "AMQP_URI": config.amqp_uri(),
        "JWT_ISSUER": config.env("JWT_ISSUER", "beatpass"),
        "JWT_AUDIENCE": config.env("JWT_AUDIENCE", "beatpass-api"),
        "JWT_TTL_S": config.env_int("JWT_TTL_S", 3600),
        "RPC_TIMEOUT_S": config.env_float("RPC_TIMEOUT_S", 5),
        # /ready pings each service with this shorter deadline so a probe never hangs
        "READY_TIMEOUT_S": config.env_float("READY_TIMEOUT_S", 1),
        "READY_SERVICES": tuple(config.SERVICES),
        "MAX_BODY_BYTES": config.env_int("MAX_BODY_BYTES", 1_048_576),
        "GATEWAY_TRUSTED_PROXIES": config.env_int("GATEWAY_TRUSTED_PROXIES", 0),
        # uploads (multipart): per-part byte limits and the time the whole body may take
        "UPLOAD_MAX_BYTES": config.env_int("UPLOAD_MAX_BYTES", 1_200_000_000),
        "COVER_MAX_BYTES": config.env_int("COVER_MAX_BYTES", 10_000_000),
        "AVATAR_MAX_BYTES": config.env_int("AVATAR_MAX_BYTES", 5_000_000),
        "UPLOAD_MAX_SECONDS": config.env_float("UPLOAD_MAX_SECONDS", 600),
        # stems archives (PUT /tracks/<id>/stems): the ZIP as sent, and how long audio may take to check it
        "STEMS_UPLOAD_MAX_BYTES": config.env_int("STEMS_UPLOAD_MAX_BYTES", 2 * 1024 ** 3),
        "STEMS_CHECK_TIMEOUT_S": config.env_float("STEMS_CHECK_TIMEOUT_S", 300),
        # Audio Recon (POST /recon): how long audio may take to judge, fingerprint and locate a clip
        "RECON_TIMEOUT_S": config.env_float("RECON_TIMEOUT_S", 120),
        "MEDIA_ROOT": config.env("MEDIA_ROOT", str(config.var_dir() / "media")),
        # Stripe's signing secret of the platform webhook endpoint (POST /api/v1/webhooks/stripe)
        "STRIPE_WEBHOOK_SECRET": config.env("STRIPE_WEBHOOK_SECRET", ""),
        # ... and of the Connect endpoint (POST /api/v1/webhooks/stripe/connect): connected accounts' events
        "STRIPE_CONNECT_WEBHOOK_SECRET": config.env("STRIPE_CONNECT_WEBHOOK_SECRET", ""),
        # signs /api/v1/files/<token> download URLs (gateway/signed_urls.py); every replica needs the same one
        "DOWNLOAD_URL_SECRET": config.env("DOWNLOAD_URL_SECRET", ""),
        "DOWNLOAD_URL_TTL_S": config.env_int("DOWNLOAD_URL_TTL_S", 900),
        # the built browser app (web/dist, made by `make run` / `make test`; docs/web.md)
        "WEB_DIST": config.env("WEB_DIST", str(Path(__file__).resolve().parent.parent / "web" / "dist")),
    }
    settings.update(overrides)
    if "JWT_SECRET" not in settings:
        # only now, so tests that pass a secret never create var/jwt_secret
        settings["JWT_SECRET"] = jwt_secret()
    # Werkzeug stops reading a body without Content-Length here; one byte more than allowed lets
    # json_body tell "exactly at the limit" from "cut off", which Werkzeug itself does not report
    settings.setdefault("MAX_CONTENT_LENGTH", settings["MAX_BODY_BYTES"] + 1)
    return settings
