"""Every error the gateway returns, from one table, as ``{"error", "message", "details"}``.

Remote errors arrive as ``services.contracts.errors`` classes (re-raised by ``gateway.rpc``), the
gateway's own validation raises the same classes, and Werkzeug's HTTP errors (404, 405, 413, 415,
malformed JSON) are looked up in the same table by status.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

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
    Row(404, "not_found", "NotFound", "No such resource."),
    Row(405, "method_not_allowed", None, "The resource does not support this method."),
    Row(408, "request_timeout", None, "The upload was not received within UPLOAD_MAX_SECONDS."),
    Row(409, "conflict", "Conflict", "The request conflicts with the resource's state."),
    Row(413, "payload_too_large", None, "The body is larger than the gateway accepts."),
    Row(415, "unsupported_media_type", None,
        "The body must be sent as application/json (multipart/form-data for uploads)."),
    Row(416, "range_not_satisfiable", None, "The requested byte range lies outside the file."),
    Row(422, "invalid", "InvalidField", "A field is missing or invalid; details name each field."),
    Row(429, "too_many_requests", "TooManyRequests", "Too many attempts; retry after Retry-After seconds."),
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


def handle_service_error(exc: ServiceError) -> Response:
    row = row_for(exc)
    response = error_response(row.status, exc.code, exc.message, exc.details)
    if row.status == 401 and getattr(exc, "challenge", None):
        response.headers["WWW-Authenticate"] = exc.challenge  # type: ignore[attr-defined]
    if row.status == 429:
        retry_after = _seconds(exc.details.get("retry_after"))
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
    return response


def _seconds(value: Any) -> int | None:
    """Whole seconds from a number or a numeric string (nameko stringifies numbers in exc_args)."""
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


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return error_response(500, "internal", "internal error")


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
