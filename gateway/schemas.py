"""Request and response schemas: they validate requests, shape responses and generate the OpenAPI document.

Request schemas refuse unknown fields (a client cannot slip in ``role``, ``plan`` or ``id``);
response schemas dump only the fields declared here, so nothing a service adds by mistake
(a password hash, say) reaches a client.
"""
from __future__ import annotations

import uuid
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.common.fields import StrictBoolean
from services.contracts import passwords
from services.contracts.vocabularies import (APPLICATION_STATUSES, APPLICATION_TYPES, EMAIL_MAX,
                                             FIELDS_BY_APPLICATION_TYPE, INSTAGRAM_PATTERN, PLAN_CODES,
                                             USERNAME_MAX, USERNAME_MIN, USERNAME_PATTERN)
# the list envelope and the accounts' reply shapes, re-exported for the blueprints
from services.contracts.rpc import page_of  # noqa: F401
from services.contracts.rpc.accounts import (Application, ApplicationPage, FollowState,  # noqa: F401
                                             PrivateUser, Profile,
                                             PublicUser, UserSummary, UserSummaryPage)

MISSING = "Missing data for required field."
USERNAME = USERNAME_PATTERN
PLANS = PLAN_CODES
# fields each application type needs besides the commitments
FIELDS_BY_TYPE = FIELDS_BY_APPLICATION_TYPE


class StrictSchema(Schema):
    """Refuses unknown fields (422 naming them) instead of ignoring them."""

    class Meta:
        unknown = RAISE


class UUIDString(fields.String):
    """A UUID that stays a (canonical) string after loading: RPC arguments are JSON."""

    default_error_messages = {"invalid_uuid": "Not a valid UUID."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata = {"format": "uuid", **self.metadata}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return str(uuid.UUID(super()._deserialize(value, attr, data, **kwargs)))
        except ValueError:
            raise self.make_error("invalid_uuid") from None


def web_url(description: str = "") -> fields.Url:
    metadata = {"format": "uri", **({"description": description} if description else {})}
    return fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2048), metadata=metadata)


def must_be_true() -> fields.Boolean:
    return StrictBoolean(required=True, validate=validate.Equal(True, error="Must be true."))


def text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


# -- requests ---------------------------------------------------------------------------------

class RegisterRequest(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX))
    password = fields.String(required=True, metadata={
        "minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH,
        "description": f"{passwords.MIN_LENGTH}–{passwords.MAX_LENGTH} characters, not containing the email."})
    username = fields.String(required=True, validate=[validate.Length(min=USERNAME_MIN, max=USERNAME_MAX), validate.Regexp(USERNAME)],
                             metadata={"pattern": USERNAME})

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def password_policy(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """Checked here as well as by accounts, so one 422 names the password beside the other fields."""
        password, email = data.get("password"), original.get("email") if isinstance(original, dict) else None
        if password is not None:
            if reasons := passwords.policy_violations(password, email if isinstance(email, str) else ""):
                raise ValidationError({"password": reasons})


class LoginRequest(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX), metadata={"example": "ana@example.com"})
    password = fields.String(required=True, validate=validate.Length(max=1024),
                             metadata={"example": "correct horse battery"})


REFRESH_TOKEN_EXAMPLE = "q3J0cGZ4bW9yZS1yYW5kb20tYnl0ZXMtaGVyZS0xMjM0NTY"


class RefreshRequest(StrictSchema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The `refresh_token` of the last login or refresh.", "example": REFRESH_TOKEN_EXAMPLE})


class PasswordChangeRequest(StrictSchema):
    old_password = fields.String(required=True, validate=validate.Length(max=1024),
                                 metadata={"example": "correct horse battery"})
    new_password = fields.String(required=True, validate=validate.Length(max=1024), metadata={
        "description": "At least 10 characters, not the email, not the current password (checked by accounts).",
        "example": "a brand new passphrase"})


class DeleteAccountRequest(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(max=1024), metadata={
        "description": "The current password: proves the deletion is wanted.", "example": "correct horse battery"})


class ProfilePatch(StrictSchema):
    name = text(100)
    city = text(100)
    country = text(100)
    description = text(2000)
    links = fields.List(web_url(), validate=validate.Length(max=10))

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one of name, city, country, description, links.")


class ProducerApplicationRequest(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(APPLICATION_TYPES))
    producer_name = text(100)
    beats_link = web_url("Public link to the producer's beats (http or https).")
    first_name = text(100)
    last_name = text(100)
    label = text(100, allow_none=True)
    instagram = fields.String(allow_none=True, validate=validate.Regexp(INSTAGRAM_PATTERN))
    artist_id = UUIDString(allow_none=True, metadata={"description": "The artist page claimed (claim_artist)."})
    accept_terms = must_be_true()
    owns_beats = must_be_true()
    grants_distribution_license = must_be_true()
    commits_two_beats_per_month = must_be_true()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def fields_for_type(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        needed = FIELDS_BY_TYPE.get(data.get("type", ""), ())
        missing = {name: [MISSING] for name in needed
                   if not isinstance(original, dict) or original.get(name) in (None, "")}
        if missing:
            raise ValidationError(missing)


class RejectRequest(StrictSchema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000),
                                                    validate.Regexp(r"\S", error="Must not be blank.")])


class PageQuery(StrictSchema):
    # cursors are base64url (services' encode_cursor): the pattern keeps a URL carrying one within the
    # server's request-line limit, which percent-encoded non-ASCII text would exceed (an HTML 414)
    cursor = fields.String(validate=[validate.Length(max=512),
                                     validate.Regexp(r"^[A-Za-z0-9_-]*$", error="not a cursor this list returned")],
                           metadata={"description": "`next` of the previous page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ApplicationsQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))


# -- responses: the services' reply shapes (services/contracts/rpc/), and what only HTTP has ---------

class AccessToken(Schema):
    access_token = fields.String(metadata={"example": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2ZjFj…"})
    token_type = fields.String(metadata={"enum": ["Bearer"], "example": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires.", "example": 3600})
    refresh_token = fields.String(metadata={
        "description": "Opaque; exchange it at POST /api/v1/auth/refresh for a new pair. Each works once: a used "
                       "one presented again ends the session.", "example": REFRESH_TOKEN_EXAMPLE})
    refresh_expires_in = fields.Integer(metadata={"description": "Seconds until the refresh token expires.",
                                                  "example": 2592000})


class Error(Schema):
    error = fields.String(metadata={"description": "Machine-readable code, e.g. invalid, not_found."})
    message = fields.String()
    details = fields.Dict(metadata={"description": "For `invalid`: field name → list of reasons."})


class Health(Schema):
    status = fields.String()


class Readiness(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())
