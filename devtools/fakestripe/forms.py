"""Stripe's form encoding (`a[b][c]=`, `items[0][price]=`, `expand[]=`) to nested dicts and lists."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import parse_qsl

_PART = re.compile(r"\[([^\]]*)\]")


class StripeError(Exception):
    """An error answered in Stripe's envelope: {"error": {type, message, param, code}}."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.type = status, message, param, code, type

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.type, "message": self.message, "param": self.param, "code": self.code}}


def missing(kind: str, ident: str, param: str = "id") -> StripeError:
    return StripeError(f"No such {kind}: '{ident}'", status=404, param=param, code="resource_missing")


def split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    return [head] + (_PART.findall("[" + rest) if rest else [])


def parse(raw: str) -> dict[str, Any]:
    """Parse a query string / form body the way Stripe reads it."""
    return parse_pairs(parse_qsl(raw, keep_blank_values=True))


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    appended: dict[tuple[str, ...], int] = {}
    for key, value in pairs:
        parts = split_key(key)
        node = root
        for depth, part in enumerate(parts):
            if part == "":  # `x[]` appends: give it the next free index at this path
                path = tuple(parts[:depth])
                part = str(appended.get(path, 0))
                appended[path] = int(part) + 1
            if depth == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise StripeError(f"Invalid parameter: {key}", param=key, code="parameter_invalid")
    return _listify(root)


def _listify(node: Any) -> Any:
    # A dict whose keys are all indices was a list on the client side.
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def as_int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None


def as_bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise StripeError(f"Invalid boolean: {value}", param=param, code="parameter_invalid_boolean")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def merge_metadata(current: dict[str, str], update: Any) -> dict[str, str]:
    """Stripe merges metadata keys; an empty value (or `metadata=""`) unsets."""
    if update == "":
        return {}
    merged = dict(current)
    for key, value in (update or {}).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
