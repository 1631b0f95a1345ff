"""The OpenAPI document and a self-contained page that renders it."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

from gateway.openapi import doc

bp = Blueprint("docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@doc("This API's OpenAPI 3 document", ok=(200, None), rpc=False,
     response_example={"openapi": "3.0.3", "info": {"title": "BeatPass API", "version": "1.0.0"}, "paths": {}})
def openapi_document() -> ResponseReturnValue:
    return jsonify(current_app.extensions["openapi"])


@bp.get("/docs")
@doc("Human-readable API reference (HTML, no external assets)", ok=(200, None), rpc=False,
     content_type="text/html", response_example="<!doctype html><html><head><title>BeatPass API</title>…")
def docs_page() -> ResponseReturnValue:
    # no "<" at all inside the <script> element, so nothing in the document can close it
    spec = json.dumps(current_app.extensions["openapi"]).replace("<", "\\u003c")
    return render_template("docs.html", spec_json=spec)
