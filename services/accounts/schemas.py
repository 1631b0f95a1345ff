"""Validation of every RPC input. The gateway validates too, but its checks are not trusted here.

Unknown fields are refused (``unknown=RAISE``), so a client cannot slip in ``roles``, ``plan`` or
``id``. Failures raise ``InvalidField`` whose details map each field to its reasons.
"""
from __future__ import annotations

import functools
from typing import Any

from marshmallow import ValidationError, fields, post_load, pre_load, validate

from services.accounts import commands, passwords
from services.common.fields import Trimmed
from services.common.pagination import DEFAULT_LIMIT, MAX_LIMIT, InvalidCursor, PageRequest, Position, decode_cursor
from services.common.validation import StrictSchema, load
from services.contracts.inputs import accounts as contracts
from services.contracts.inputs import trimmed
from services.contracts.vocabularies import APPLICATION_COMMITMENTS, APPLICATION_STATUSES, EMAIL_MAX

CONFIRMATIONS = APPLICATION_COMMITMENTS


class AccountSchema(contracts.Registration):
    """The registration contract; the email and username are trimmed before it is checked."""

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, ("email", "username"))

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.NewAccount:
        return commands.NewAccount(email=data["email"], password=data["password"], username=data["username"])


class RegistrationSchema(AccountSchema):
    client_ip = Trimmed(required=True, validate=validate.Length(min=1, max=100))

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.Registration:  # type: ignore[override]
        return commands.Registration(super().to_command(data), data["client_ip"])


class CredentialsSchema(StrictSchema):
    # not checked as an email: a malformed one is a failed login like any other
    email = fields.String(required=True, validate=validate.Length(max=EMAIL_MAX))
    password = fields.String(required=True, validate=validate.Length(max=passwords.MAX_LENGTH))
    client_ip = Trimmed(required=True, validate=validate.Length(min=1, max=100))

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.Credentials:
        return commands.Credentials(**data)


class RefreshTokenSchema(StrictSchema):
    # secrets.token_urlsafe(32) is 43 characters; the cap only keeps megabytes out of the hash
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PasswordChangeSchema(StrictSchema):
    actor_id = fields.UUID(required=True)
    old_password = fields.String(required=True, validate=validate.Length(max=passwords.MAX_LENGTH))
    # the password policy is checked by the use case, which knows the email and reports it together
    # with a wrong current password
    new_password = fields.String(required=True, validate=validate.Length(max=passwords.MAX_LENGTH))
    client_ip = Trimmed(required=True, validate=validate.Length(min=1, max=100))
    session_id = fields.UUID(load_default=None, allow_none=True)

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.PasswordChange:
        session_id = data["session_id"]
        return commands.PasswordChange(actor_id=str(data["actor_id"]), old_password=data["old_password"],
                                       new_password=data["new_password"], client_ip=data["client_ip"],
                                       session_id=None if session_id is None else str(session_id))


class AccountDeletionSchema(StrictSchema):
    actor_id = fields.UUID(required=True)
    password = fields.String(required=True, validate=validate.Length(max=passwords.MAX_LENGTH))
    client_ip = Trimmed(required=True, validate=validate.Length(min=1, max=100))

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.AccountDeletion:
        return commands.AccountDeletion(actor_id=str(data["actor_id"]), password=data["password"],
                                        client_ip=data["client_ip"])


class ProfileChangesSchema(contracts.ProfileChanges):
    """The profile contract; text is trimmed first, and null or blank text clears the field."""

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, contracts.PROFILE_TEXTS, null_as="")

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.ProfileChanges:
        return commands.ProfileChanges({key: (None if value == "" else value) for key, value in data.items()})


class ApplicationSchema(contracts.ProducerApplication):
    """The application contract; text is trimmed first, and a null text or link counts as not sent."""

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, (*contracts.APPLICATION_TEXTS, "beats_link"), drop_null=True)

    @post_load
    def to_command(self, data: dict, **kwargs) -> commands.Application:
        values = {key: data.get(key) for key in self.fields if key not in CONFIRMATIONS}
        return commands.Application(**values)


class RejectionSchema(StrictSchema):
    reason = Trimmed(required=True, validate=[validate.Length(min=1, error="a reason is required"),
                                              validate.Length(max=2000)])


class Cursor(fields.String):
    """A cursor of the list its schema's ``kind`` names, loaded as the ``Position`` it points at."""

    def _deserialize(self, value, attr, data, **kwargs) -> Position | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return None
        try:
            return decode_cursor(self.parent.kind, text)
        except InvalidCursor as exc:
            raise ValidationError(str(exc)) from None


class PageSchema(StrictSchema):
    """``cursor``/``limit`` of one list; ``kind`` names the list, so its cursors are refused by others."""

    cursor = Cursor(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=DEFAULT_LIMIT, allow_none=True,
                           validate=validate.Range(min=1, max=MAX_LIMIT))

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind

    @staticmethod
    def page(data: dict) -> PageRequest:
        return PageRequest(data["cursor"], DEFAULT_LIMIT if data["limit"] is None else data["limit"])


class ApplicationFilterSchema(PageSchema):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(APPLICATION_STATUSES))


# --- loading -------------------------------------------------------------------------------------

# built once: a schema is reusable and costs more to build than to load with
ACCOUNT, REGISTRATION, CREDENTIALS = AccountSchema(), RegistrationSchema(), CredentialsSchema()
PROFILE_CHANGES, APPLICATION, REJECTION = ProfileChangesSchema(), ApplicationSchema(), RejectionSchema()
REFRESH_TOKEN, PASSWORD_CHANGE, ACCOUNT_DELETION = RefreshTokenSchema(), PasswordChangeSchema(), AccountDeletionSchema()


@functools.cache
def page_schema(kind: str, schema: type[PageSchema] = PageSchema) -> PageSchema:
    return schema(kind)


def load_account(email: Any, password: Any, username: Any) -> commands.NewAccount:
    return load(ACCOUNT, {"email": email, "password": password, "username": username})


def load_registration(email: Any, password: Any, username: Any, client_ip: Any) -> commands.Registration:
    return load(REGISTRATION, {"email": email, "password": password, "username": username,
                               "client_ip": client_ip})


def load_credentials(email: Any, password: Any, client_ip: Any) -> commands.Credentials:
    return load(CREDENTIALS, {"email": email, "password": password, "client_ip": client_ip})


def load_refresh_token(refresh_token: Any) -> str:
    return load(REFRESH_TOKEN, {"refresh_token": refresh_token})["refresh_token"]


def load_password_change(actor_id: Any, old_password: Any, new_password: Any, client_ip: Any,
                         session_id: Any) -> commands.PasswordChange:
    return load(PASSWORD_CHANGE, {"actor_id": actor_id, "old_password": old_password, "new_password": new_password,
                                  "client_ip": client_ip, "session_id": session_id})


def load_account_deletion(actor_id: Any, password: Any, client_ip: Any) -> commands.AccountDeletion:
    return load(ACCOUNT_DELETION, {"actor_id": actor_id, "password": password, "client_ip": client_ip})


def load_profile_changes(changes: Any) -> commands.ProfileChanges:
    return load(PROFILE_CHANGES, changes, root="changes")


def load_application(application: Any) -> commands.Application:
    return load(APPLICATION, application, root="application")


class ImageKeySchema(StrictSchema):
    image_key = fields.String(required=True, validate=validate.Length(min=1, max=300))


def load_image_key(image_key: Any) -> str:
    return load(ImageKeySchema, {"image_key": image_key})["image_key"]


def load_reason(reason: Any) -> str:
    return load(REJECTION, {"reason": reason})["reason"]


def load_page(kind: str, cursor: Any, limit: Any) -> PageRequest:
    return PageSchema.page(load(page_schema(kind), {"cursor": cursor, "limit": limit}))


def load_application_filter(kind: str, status: Any, cursor: Any, limit: Any) -> tuple[str | None, PageRequest]:
    data = load(page_schema(kind, ApplicationFilterSchema), {"status": status, "cursor": cursor, "limit": limit})
    return data["status"], PageSchema.page(data)


