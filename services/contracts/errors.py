"""Remote error types raised by services and understood by the gateway.

A service raises one of these from an RPC; nameko serialises it as
``{"exc_type": <class name>, "exc_args": [message, details]}`` and the gateway maps
the class name to an HTTP status through a single table (``gateway/errors.py``).
"""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error a service reports on purpose. ``code`` is the public error code."""

    code = "error"

    def __init__(self, message: str, details: dict[str, Any] | None = None):
        super().__init__(message, details or {})
        self.message = message
        self.details = details or {}

    def __str__(self) -> str:
        return self.message


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


#: every error class by name, for deserialising on the client side
ERRORS_BY_NAME: dict[str, type[ServiceError]] = {
    cls.__name__: cls
    for cls in (ServiceError, BadRequest, InvalidField, Unauthorized, PaymentRequired,
                Forbidden, NotFound, Conflict, TooManyRequests, BillingUnavailable)
}
