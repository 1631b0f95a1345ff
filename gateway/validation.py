"""Load a request's JSON body or query string through a schema, before any RPC is made."""
from __future__ import annotations

from collections import deque
from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import BadRequest as MalformedBody
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from gateway.errors import MAX_FIELD_ERRORS, MAX_NAME_LENGTH
from gateway.schemas import PageQuery
from services.contracts.errors import BadRequest, InvalidField


def invalid_fields(error: ValidationError, prefix: str = "") -> InvalidField:
    """The 422 for a schema's refusal, naming every invalid field; with ``prefix``, fields are named
    ``<prefix>.<field>``. The error handler caps the details (``gateway.errors.cap_field_errors``)."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    if prefix:
        messages = {f"{prefix}.{name}": reasons for name, reasons in messages.items()}
    return InvalidField(fields_message(list(messages)), messages)


def fields_message(names: list[Any]) -> str:
    """``invalid fields: a, b`` — the first MAX_FIELD_ERRORS names, then how many more."""
    shown = ", ".join(str(name)[:MAX_NAME_LENGTH] for name in names[:MAX_FIELD_ERRORS])
    rest = len(names) - MAX_FIELD_ERRORS
    return "invalid fields: " + shown + (f" and {rest} more" if rest > 0 else "")


UNSTORABLE_TEXT = "Must be UTF-8 text without NUL (\\u0000) characters or unpaired surrogates."


def _storable(text: str) -> bool:
    """Text a database stores: PostgreSQL refuses NUL, and a lone surrogate (JSON allows "\\ud800")
    has no UTF-8 encoding at all."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unstorable_fields(data: Any, prefix: str = "") -> list[str]:
    """The fields of ``data`` (dotted paths, list items by index) holding text no service could store.
    Walked with a queue, not recursion: a deeply nested body must not exhaust the stack."""
    found, pending = [], deque([(prefix, data)])
    while pending:
        path, value = pending.popleft()
        if isinstance(value, str):
            if not _storable(value):
                found.append(path or "_schema")
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        pending.extend((f"{path}.{key}" if path else str(key), item) for key, item in items)
    return found


def refuse_unstorable_text(data: Any, prefix: str = "") -> None:
    """422 naming each field of ``data`` (under ``prefix``) whose text cannot be stored, before any RPC:
    otherwise the service fails on it with a 500."""
    if fields := _unstorable_fields(data, prefix):
        raise InvalidField(fields_message(fields), {name: [UNSTORABLE_TEXT] for name in fields})


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
    except RecursionError:  # the JSON parser's own depth limit, not a server fault
        raise BadRequest("the body's JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    refuse_unstorable_text(data)
    try:
        return schema.load(data)
    except ValidationError as error:
        raise invalid_fields(error) from None


def query_args(schema: Schema) -> dict[str, Any]:
    """The validated query string (unknown parameters are refused like unknown body fields)."""
    args = request.args.to_dict()
    refuse_unstorable_text(args)
    try:
        return schema.load(args)
    except ValidationError as error:
        raise invalid_fields(error) from None


PAGE_QUERY = PageQuery()  # built once, like the presenters' schemas


def page_args() -> dict[str, Any]:
    """A plain list's validated ``cursor`` and ``limit``, as the services' list RPCs take them."""
    page = query_args(PAGE_QUERY)
    return {"cursor": page.get("cursor"), "limit": page["limit"]}
