"""Every error the gateway returns, from one table, as ``{"error", "message", "details"}``.

Remote errors arrive as ``services.contracts.errors`` classes (re-raised by ``gateway.rpc``), the
gateway's own validation raises the same classes, and Werkzeug's HTTP errors (404, 405, 413, 415,
malformed JSON) are looked up in the same table by status.
"""
from __future__ import annotations

import logging
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute

from gateway import web
from services.contracts.errors import ServiceError

log = logging.getLogger(__name__)

BEARER_CHALLENGE = 'Bearer realm="beatpass"'


@dataclass(frozen=True)
class Row:
    status: int
    code: str
    error_class: str | None  # a class in services.contracts.errors or gateway.rpc, if any
    description: str


TABLE: tuple[Row, ...] = (
    Row(400, "bad_request", "BadRequest", "The request is malformed (e.g. the body is not valid JSON)."),
    Row(401, "unauthorized", "Unauthorized", "Missing, expired or invalid credentials."),
    Row(402, "payment_required", "PaymentRequired", "The action needs an active paid plan."),
    Row(403, "forbidden", "Forbidden", "The caller may not do this."),
    Row(404, "not_found", "NotFound", "No such resource, or no such endpoint (details.expected then says what "
                                      "the path's variable parts accept; answered before authentication)."),
    Row(405, "method_not_allowed", None, "The resource does not support this method; details.allowed lists those "
                                         "it does."),
    Row(408, "request_timeout", None, "The upload was not received within UPLOAD_MAX_SECONDS."),
    Row(409, "conflict", "Conflict", "The request conflicts with the resource's state."),
    Row(413, "payload_too_large", None, "The body is larger than the gateway accepts."),
    Row(415, "unsupported_media_type", None,
        "The body must be sent as application/json (multipart/form-data for uploads)."),
    Row(416, "range_not_satisfiable", None, "The requested byte range lies outside the file."),
    Row(422, "invalid", "InvalidField", "Fields are missing or invalid; details name every one at once (the first "
                                        "50, and how many more under _omitted_fields)."),
    Row(429, "too_many_requests", "TooManyRequests", "Too many attempts; retry after Retry-After seconds (also "
                                                     "details.retry_after)."),
    Row(500, "internal", "RemoteFailure", "An unexpected error; the request id identifies it in the logs."),
    # the contracts' base class: a deliberate error no service should raise unclassified
    Row(500, "error", "ServiceError", "An unclassified service error."),
    Row(503, "service_unavailable", "ServiceUnavailable", "A service or the message broker is not reachable."),
    Row(503, "billing_unavailable", "BillingUnavailable",
        "Billing is not configured (the message says what to set) or Stripe did not answer."),
    Row(504, "service_timeout", "ServiceTimeout", "A service did not answer in time."),
)

BY_CLASS: dict[str, Row] = {row.error_class: row for row in TABLE if row.error_class}
BY_STATUS: dict[int, Row] = {}
for _row in TABLE:
    BY_STATUS.setdefault(_row.status, _row)


def row_for(exc: ServiceError) -> Row:
    """The row of the nearest class in the exception's ancestry (subclasses inherit a status)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in BY_CLASS:
            return BY_CLASS[cls.__name__]
    return BY_CLASS["ServiceError"]


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    response = jsonify({"error": code, "message": message, "details": details or {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


#: a 422 names at most this many fields; the rest are counted (a body of 60,000 unknown keys must not be
#: echoed back as megabytes)
MAX_FIELD_ERRORS = 50
OMITTED_KEY = "_omitted_fields"
MAX_NAME_LENGTH = 200


def _clipped(name: Any) -> Any:
    text = str(name)
    return text if len(text) <= MAX_NAME_LENGTH else text[:MAX_NAME_LENGTH] + "…"


def cap_field_errors(details: dict[str, Any], limit: int = MAX_FIELD_ERRORS) -> dict[str, Any]:
    """``details`` with at most ``limit`` fields' reasons (nested ones counted one by one), in order; how
    many more there were under ``_omitted_fields``."""
    budget, omitted = limit, 0

    def leaves(value: Any) -> int:
        return sum(leaves(item) for item in value.values()) if isinstance(value, dict) else 1

    def keep(node: dict[str, Any]) -> dict[str, Any]:
        nonlocal budget, omitted
        kept: dict[str, Any] = {}
        for name, value in node.items():
            if budget <= 0:
                omitted += leaves(value)
            elif isinstance(value, dict):
                kept[_clipped(name)] = keep(value)
            else:
                budget -= 1
                kept[_clipped(name)] = value
        return kept

    capped = keep(details)
    if omitted:
        capped[OMITTED_KEY] = omitted
    return capped


def handle_service_error(exc: ServiceError) -> Response:
    row = row_for(exc)
    details = exc.details
    if row.status == 422:
        details = cap_field_errors(details)
    retry_after = _seconds(details.get("retry_after")) if row.status == 429 else None
    if retry_after is not None:
        details = {**details, "retry_after": retry_after}  # the same whole seconds as the header
    response = error_response(row.status, exc.code, exc.message, details)
    if row.status == 401 and getattr(exc, "challenge", None):
        response.headers["WWW-Authenticate"] = exc.challenge  # type: ignore[attr-defined]
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _seconds(value: Any) -> int | None:
    """Whole seconds (rounded up) from a number, or a numeric string from an older service."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return max(math.ceil(seconds), 0) if math.isfinite(seconds) else None


def handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    row = BY_STATUS.get(status)
    code = row.code if row else (exc.name or "error").lower().replace(" ", "_")
    response = error_response(status, code, exc.description or (exc.name or ""))
    # keep what Werkzeug adds for the status, such as Allow on 405
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_no_route(exc: NoRoute) -> Response:
    """No route matches the path: say which request was not understood, and what a near route expects.
    Routing comes before any view, so this answers before authentication is looked at."""
    if request.url_rule is not None:  # a view's own abort(404)
        return handle_http_error(exc)
    if web.is_app_path(request) and web.is_built():  # a client-side route of the browser app
        return web.index()
    method, path = request.method, _clipped(request.path)
    details: dict[str, Any] = {"method": method, "path": path}
    expected = _expected_segments(request.path)
    if expected:
        details["expected"] = expected
    hint = "; ".join(f"{name} must be {_described(want)}" for name, want in expected.items())
    message = f"no such endpoint: {method} {path}" + (f" ({hint})" if hint else "")
    return error_response(404, BY_STATUS[404].code, message, details)


def handle_wrong_method(exc: MethodNotAllowed) -> Response:
    allowed = sorted(set(exc.valid_methods or ()) - {"HEAD", "OPTIONS"})
    message = f"{request.method} is not allowed on {_clipped(request.path)}; use {', '.join(allowed)}"
    response = error_response(405, BY_STATUS[405].code, message,
                              {"method": request.method, "path": _clipped(request.path), "allowed": allowed})
    response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ()))
    return response


RULE_PART = re.compile(r"^<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>$")


def _expected_segments(path: str) -> dict[str, Any]:
    """For routes of the same shape whose fixed parts match ``path``, what each mismatching variable part
    accepts: the words of an ``any(...)`` converter, or "uuid" / "int"."""
    sent = path.strip("/").split("/")
    expected: dict[str, Any] = {}
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.strip("/").split("/")
        if len(parts) != len(sent):
            continue
        wanted, fits = {}, True
        for part, given in zip(parts, sent):
            variable = RULE_PART.match(part)
            if variable is None:
                fits = fits and part == given
                continue
            want = _accepted(variable)
            if want is not None and not _accepts(want, given):
                wanted[variable["name"]] = want
        if fits:
            expected.update(wanted)
    return expected


def _accepted(variable: re.Match) -> Any:
    converter = variable["converter"]
    if converter == "any":
        return [word.strip(" '\"") for word in variable["args"].split(",")]
    return converter if converter in ("uuid", "int") else None


def _accepts(want: Any, given: str) -> bool:
    if isinstance(want, list):
        return given in want
    if want == "int":
        return given.isdigit()
    try:
        uuid.UUID(given)
    except ValueError:
        return False
    return True


def _described(want: Any) -> str:
    if isinstance(want, list):
        return "one of " + ", ".join(want)
    return "a UUID" if want == "uuid" else "an integer"


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return error_response(500, "internal", "internal error")


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(NoRoute, handle_no_route)
    app.register_error_handler(MethodNotAllowed, handle_wrong_method)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
