"""Loading an RPC's input with a marshmallow schema: unknown fields refused, and every refusal an
``InvalidField`` whose details name the fields (the gateway turns it into a 422)."""
from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from services.contracts.errors import InvalidField


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


def flatten(messages: Any, root: str) -> dict[str, list[str]]:
    """marshmallow's messages as ``{field: [reason, ...]}``: nested schemas' fields are dotted
    (``exclusive.currency``), list items prefixed with their index, whole-input errors under ``root``."""
    details: dict[str, list[str]] = {}
    _collect(messages, root, None, details)
    return details


def _collect(value: Any, root: str, prefix: str | None, details: dict[str, list[str]]) -> None:
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        for name, inner in value.items():
            if name == "_schema":
                field = prefix or root
            else:
                field = f"{prefix}.{name}" if prefix else name
            _collect(inner, root, field, details)
        return
    details.setdefault(prefix or root, []).extend(_reasons(value))


def _reasons(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"[{key}] {reason}" for key, inner in value.items() for reason in _reasons(inner)]
    if isinstance(value, (list, tuple)):
        return [reason for item in value for reason in _reasons(item)]
    return [str(value)]


def invalid(field: str, reason: str) -> InvalidField:
    return InvalidField(f"invalid {field}", {field: [reason]})


@cache
def _instance(schema: type[Schema]) -> Schema:
    """One instance per schema class, built once: building one costs more than a load, and loading
    keeps no state on the instance."""
    return schema()


def load(schema: Schema | type[Schema], data: Any, root: str = "request") -> Any:
    """``data`` loaded by ``schema`` (an instance, or a class whose one shared instance is used)."""
    instance = _instance(schema) if isinstance(schema, type) else schema
    try:
        return instance.load(data)
    except ValidationError as exc:
        details = flatten(exc.messages, root)
        raise InvalidField(f"invalid {', '.join(sorted(details))}", details) from None
