"""The browser app's built assets (gateway/web.py serves its index for the app's own paths; docs/web.md)."""
from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from werkzeug.exceptions import NotFound as NoRoute

from gateway import web
from gateway.openapi import doc

bp = Blueprint("web_app", __name__)

ASSET_MAX_AGE_S = 365 * 24 * 3600


@bp.get("/assets/<path:filename>")
@doc("A built asset of the web app (script, style sheet, image)", ok=(200, None), errors=(404,), rpc=False,
     content_type="application/octet-stream",
     description="Names carry their content's hash: cached for a year. 404 when the app is not built.")
def asset(filename: str) -> Response:
    """A built asset; its name carries its content hash, so it may be cached for a year."""
    if not web.is_built():
        raise NoRoute()
    response = send_from_directory(web.dist() / "assets", filename, max_age=ASSET_MAX_AGE_S)
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE_S}, immutable"
    return response
