"""Remote error types raised by services and understood by the gateway.

A service raises one of these from an RPC; nameko serialises it as
``{"exc_type": <class name>, "exc_args": [message, <details as JSON text>]}`` and the gateway
maps the class name to an HTTP status through a single table (``gateway/errors.py``).
"""
from __future__ import annotations

import json
from typing import Any


class ServiceError(Exception):
    """Base of every error a service reports on purpose. ``code`` is the public error code."""

    code = "error"

    def __init__(self, message: str, details: dict[str, Any] | None = None):
        # nameko turns every non-string inside exc_args into a string ({"cost": 3} would arrive as
        # {"cost": "3"}): the details travel as JSON text, which it leaves alone
        super().__init__(message, details_to_wire(details or {}))
        self.message = message
        self.details = details or {}

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.message, self.details)


class BadRequest(ServiceError):
    code = "bad_request"


class InvalidField(ServiceError):
    """A field failed validation; ``details`` maps field name to a list of reasons."""

    code = "invalid"


class Unauthorized(ServiceError):
    code = "unauthorized"


class PaymentRequired(ServiceError):
    code = "payment_required"


class Forbidden(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


class TooManyRequests(ServiceError):
    code = "too_many_requests"


class BillingUnavailable(ServiceError):
    """Billing cannot work as configured, or Stripe does not answer (503); the message says what to set."""

    code = "billing_unavailable"


def details_to_wire(details: dict[str, Any]) -> str:
    return json.dumps(details, default=str)


def details_from_wire(sent: Any) -> dict[str, Any]:
    """The details of a serialised ``ServiceError``: JSON text, or a dict from an older sender."""
    if isinstance(sent, str):
        try:
            sent = json.loads(sent)
        except ValueError:
            return {}
    return sent if isinstance(sent, dict) else {}


#: every error class by name, for deserialising on the client side
ERRORS_BY_NAME: dict[str, type[ServiceError]] = {
    cls.__name__: cls
    for cls in (ServiceError, BadRequest, InvalidField, Unauthorized, PaymentRequired,
                Forbidden, NotFound, Conflict, TooManyRequests, BillingUnavailable)
}
