"""Request and response schemas: they validate requests, shape responses and generate the OpenAPI document.

Request schemas refuse unknown fields (a client cannot slip in ``role``, ``plan`` or ``id``);
response schemas dump only the fields declared here, so nothing a service adds by mistake
(a password hash, say) reaches a client.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.contracts.inputs import accounts as contracts
# the contracts' building blocks, re-exported for the other schema modules
from services.contracts.inputs import MISSING, StrictSchema, UUIDString, text, web_url  # noqa: F401
from services.contracts.vocabularies import APPLICATION_STATUSES, EMAIL_MAX
# the list envelope and the accounts' reply shapes, re-exported for the blueprints
from services.contracts.rpc import page_of  # noqa: F401
from services.contracts.rpc import accounts as accounts_contract
from services.contracts.rpc.accounts import (Application, ApplicationPage, FollowState,  # noqa: F401
                                             Profile, UserSummary, UserSummaryPage)
from services.contracts.rpc.catalog import ArtistSummary

AVATAR_URL = {"description": "Where the avatar is served (`GET /users/{user_id}/avatar`; `v` changes with every new "
                             "image); null without an avatar.",
              "example": "/api/v1/users/6f1c2a3e-5b7d-4c1e-9a2b-3c4d5e6f7a80/avatar?v=1b2c"}


# -- responses: accounts' user shapes plus the URLs only HTTP has ---------------------------------------

class PrivateUser(accounts_contract.PrivateUser):
    avatar_url = fields.String(allow_none=True, metadata=AVATAR_URL)


class PublicUser(accounts_contract.PublicUser):
    avatar_url = fields.String(allow_none=True, metadata=AVATAR_URL)
    artists = fields.List(fields.Nested(ArtistSummary), metadata={
        "description": "The artist pages this account manages (claimed and owned by it): the Producer Profile "
                       "button's targets; empty for a listener."})


class ViewedUser(PublicUser, accounts_contract.ViewedUser):
    """``GET /users/{id}``: a public profile with whether the caller follows the user."""

    viewer = fields.Nested(accounts_contract.UserViewer, allow_none=True, metadata={
        "description": "With a valid access token: whether you follow the user (`following`); null without one."})


class AvatarForm(Schema):
    """multipart/form-data parts of ``PUT /me/avatar`` (documentation only; the part is read as a stream)."""

    image = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                "description": "PNG, JPEG or WebP (by content), ≤ AVATAR_MAX_BYTES."})



# -- requests: the contracts' input shapes (services/contracts/inputs/), and what only HTTP has --------

class RegisterRequest(contracts.Registration):
    """POST /auth/register's body; its example is in gateway/examples.py."""


class LoginRequest(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX), metadata={"example": "ana@example.com"})
    password = fields.String(required=True, validate=validate.Length(max=1024),
                             metadata={"example": "correct horse battery"})


REFRESH_TOKEN_EXAMPLE = "q3J0cGZ4bW9yZS1yYW5kb20tYnl0ZXMtaGVyZS0xMjM0NTY"


class RefreshRequest(StrictSchema):
    refresh_token = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "The `refresh_token` of the last login or refresh. Leave it out to use the httpOnly "
                       "`beatpass_refresh` cookie that login and refresh set (what the browser app does).",
        "example": REFRESH_TOKEN_EXAMPLE})


class PasswordChangeRequest(StrictSchema):
    old_password = fields.String(required=True, validate=validate.Length(max=1024),
                                 metadata={"example": "correct horse battery"})
    new_password = fields.String(required=True, validate=validate.Length(max=1024), metadata={
        "description": "At least 10 characters, not the email, not the current password (checked by accounts).",
        "example": "a brand new passphrase"})


class DeleteAccountRequest(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(max=1024), metadata={
        "description": "The current password: proves the deletion is wanted.", "example": "correct horse battery"})


class ProfilePatch(contracts.ProfileChanges):
    """PATCH /me/profile's body."""


class ProducerApplicationRequest(contracts.ProducerApplication):
    """POST /producer-program/applications' body."""


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
