"""The browser app (web/, built into ``WEB_DIST``) served at ``/`` (docs/web.md).

Its hashed assets are served from ``/assets/`` with a year's cache; every other GET for a path of the app's —
one the API does not own and whose last segment has no file extension — answers the app's ``index.html``, so
client-side routes such as ``/tracks/<id>`` survive a reload. ``/api/``, ``/health``, ``/ready`` and
``/verify-license/`` are never caught: their unknown paths keep the API's JSON 404. When the app has not been
built, the gateway's own small pages answer instead (pages.py)."""
from __future__ import annotations

from pathlib import Path

from flask import Request, Response, current_app, send_from_directory

#: where the API and the gateway's own pages live: never the app's
RESERVED_PREFIXES = ("/api/", "/health", "/ready", "/verify-license/", "/assets/")

#: what the app's pages may load: only this origin (the API, its assets, covers, audio); no inline script
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "media-src 'self' blob:", "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'"))


def dist() -> Path:
    return Path(current_app.config["WEB_DIST"])


def is_built() -> bool:
    return (dist() / "index.html").is_file()


def is_app_path(request: Request) -> bool:
    """A GET that the app's client-side router answers: not the API's, no file extension."""
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path.startswith(RESERVED_PREFIXES) or path in ("/health", "/ready"):
        return False
    return "." not in path.rsplit("/", 1)[-1]


def index() -> Response:
    response = send_from_directory(dist(), "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
