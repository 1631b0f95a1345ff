"""A row that refers to an item (a like, a comment, a play… of a track) is written after the item was
found, without locking it: a deletion of the item that commits in between makes the write fail on its
foreign key. That is the item's NotFound — the answer the lookup would have given a moment later —
never a 500. Works the same on PostgreSQL and SQLite."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy.exc import IntegrityError

from services.contracts.errors import NotFound, ServiceError


def is_foreign_key_violation(exc: IntegrityError) -> bool:
    """PostgreSQL's foreign_key_violation (SQLSTATE 23503) or SQLite's "FOREIGN KEY constraint failed"."""
    return getattr(exc.orig, "pgcode", None) == "23503" or "FOREIGN KEY constraint failed" in str(exc.orig)


def missing_reference(model: type, values: dict[str, Any]) -> NotFound:
    """The NotFound of what ``values`` refer to through ``model``'s foreign keys: a track_id gives
    "track not found", {"track_id": …}, as the item's own lookup says."""
    columns = sorted({key.parent.name for key in model.__table__.foreign_keys if key.parent.name in values})
    names = " or ".join(column.removesuffix("_id") for column in columns) or model.__tablename__
    return NotFound(f"{names} not found", {column: str(values[column]) for column in columns})


@contextmanager
def gone_as_not_found(model: type, values: dict[str, Any], error: ServiceError | None = None) -> Iterator[None]:
    """Around the statement or flush writing ``model`` rows that refer to ``values`` (the items the
    caller found): a foreign key failing there raises their NotFound, or ``error`` where the caller's
    lookup refuses a missing item otherwise (the unit of work then rolls back, as for any refusal)."""
    try:
        yield
    except IntegrityError as exc:
        if not is_foreign_key_violation(exc):
            raise
        raise (error or missing_reference(model, values)) from None
