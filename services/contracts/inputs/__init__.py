"""Every input shape that crosses a process boundary, declared once: the gateway validates a request
body with it (and documents it in the OpenAPI document), the service loads its RPC arguments with it.

A contract input is strict: it refuses unknown fields and says exactly what is valid. A service may
be more forgiving before checking it (trimming text, reading ``null`` as "not sent") with a
``pre_load`` of its own, and turns the loaded data into its command with a ``post_load``; the gateway
adds only what HTTP needs (examples, descriptions). So a request the gateway accepts is one the
service accepts, and both refuse the same input with the same reasons.
"""
from __future__ import annotations

import uuid
from typing import Any, Iterable, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from services.common.fields import StrictBoolean
from services.contracts.vocabularies import URL_MAX

MISSING = "Missing data for required field."


class StrictSchema(Schema):
    """Refuses unknown fields (naming them) instead of ignoring them."""

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


def web_url(description: str = "", **kwargs: Any) -> fields.Url:
    metadata = {"format": "uri", **({"description": description} if description else {})}
    return fields.Url(schemes={"http", "https"}, validate=validate.Length(max=URL_MAX), metadata=metadata, **kwargs)


def must_be_true() -> fields.Boolean:
    return StrictBoolean(required=True, validate=validate.Equal(True, error="Must be true."))


def text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


NUL = "\x00"  # PostgreSQL text cannot hold it: refused as invalid rather than failing the insert


def no_nul(value: str) -> None:
    if NUL in value:
        raise ValidationError("must not contain NUL characters")


def trimmed_length(max_length: int, min_length: int = 1) -> validate.Validator:
    """Length counted without surrounding whitespace (as the service stores the text)."""

    def check(value: str) -> None:
        if not min_length <= len(value.strip()) <= max_length:
            raise ValidationError(f"Length must be between {min_length} and {max_length} (after trimming).")

    return check


def stored_text(max_length: int, min_length: int = 1, **kwargs: Any) -> fields.String:
    """Text the service stores trimmed: ``min_length``..``max_length`` characters after trimming, no NUL."""
    metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
    return fields.String(validate=[trimmed_length(max_length, min_length), no_nul], metadata=metadata, **kwargs)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def trimmed(data: Any, names: Iterable[str], null_as: Any = None, drop_null: bool = False) -> Any:
    """``data`` with the text of ``names`` (or their lists' text) stripped, for a service's ``pre_load``:
    a service forgives the surrounding whitespace the contract refuses. ``null_as`` replaces a null among ``names``;
    ``drop_null`` leaves a null one out (as if not sent)."""
    if not isinstance(data, Mapping):
        return data
    names = set(names)
    result = {}
    for key, value in data.items():
        if key in names and value is None:
            if drop_null:
                continue
            value = null_as
        result[key] = _stripped(value) if key in names else value
    return result


def _stripped(value: Any) -> Any:
    """Text stripped; a list's text items too (a list of names)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return value
