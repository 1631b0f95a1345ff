"""Signed download URLs (gateway/signed_urls.py): the file a licence gives, to whoever holds the link until it
expires — no Authorization header, so browsers and download managers can fetch and resume it."""
from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue

from gateway import signed_urls
from gateway.openapi import doc
from gateway.presenters import send_media

bp = Blueprint("files", __name__, url_prefix="/api/v1/files")


@bp.get("/<token>")
@doc("A licensed file behind a signed, expiring URL (HTTP Range: 206 with Content-Range, 416 if unsatisfiable)",
     ok=(200, None), errors=(403, 404, 416), rpc=False, content_type="application/octet-stream",
     description="The URLs come from POST /tracks/{id}/download and POST /licenses/{id}/files; no Authorization "
                 "header. Served as an attachment under the file's name. An expired, altered or malformed URL → "
                 "403 `forbidden` (`details.reason`: `expired_link`, `invalid_signature` or `malformed_link`): "
                 "ask for fresh links with POST /api/v1/licenses/{id}/files.")
def signed_file(token: str) -> ResponseReturnValue:
    signed = signed_urls.verify(current_app.config["DOWNLOAD_URL_SECRET"], token)
    response = send_media({"key": signed.key, "content_type": signed.content_type}, max_age=0,
                          download_name=signed.filename)
    response.headers["Cache-Control"] = "private, no-store"  # the link expires: no cache should outlive it
    return response
