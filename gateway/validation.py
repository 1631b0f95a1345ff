"""Load a request's JSON body or query string through a schema, before any RPC is made."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import BadRequest as MalformedBody
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from services.contracts.errors import BadRequest, InvalidField


def _invalid(error: ValidationError) -> InvalidField:
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return InvalidField("invalid fields: " + ", ".join(str(name) for name in messages), messages)


def json_body(schema: Schema) -> dict[str, Any]:
    """The validated body; 415 unless JSON, 400 if malformed or not an object, 422 if invalid."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON with 'Content-Type: application/json'")
    limit = current_app.config["MAX_BODY_BYTES"]
    # a body without Content-Length (chunked) is read at most one byte past the limit: see settings
    if len(request.get_data(cache=True)) > limit:
        raise RequestEntityTooLarge(f"the body may be at most {limit} bytes")
    try:
        data = request.get_json()
    except MalformedBody:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        return schema.load(data)
    except ValidationError as error:
        raise _invalid(error) from None


def query_args(schema: Schema) -> dict[str, Any]:
    """The validated query string (unknown parameters are refused like unknown body fields)."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as error:
        raise _invalid(error) from None
