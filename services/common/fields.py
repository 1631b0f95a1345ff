"""Marshmallow fields every service's input validation uses: strict JSON types, trimmed text, canonical ids."""
from __future__ import annotations

from marshmallow import fields


class Trimmed(fields.String):
    """A string without surrounding whitespace."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class StrictInteger(fields.Integer):
    """Only JSON integers: "120", 120.5 or true is not a number of anything."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON true/false: "yes" or 1 is not a confirmation."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class CanonicalId(fields.UUID):
    """A UUID, returned as its canonical string."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:  # type: ignore[override]
        return str(super()._deserialize(value, attr, data, **kwargs))
