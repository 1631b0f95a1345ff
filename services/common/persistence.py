"""What every service's SQLAlchemy models share: public ids and constraint names.

Each service still declares its own ``Base`` (its own metadata, its own database); this module
holds no tables and no business rules."""
from __future__ import annotations

import uuid

from sqlalchemy import MetaData

#: stable constraint and index names, so Alembic migrations read the same on SQLite and PostgreSQL
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A public id: a random UUID as a string."""
    return str(uuid.uuid4())


def service_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING)


def parse_id(value: object) -> str | None:
    """The canonical form of a UUID string, or None when ``value`` is not one (then nothing has that id)."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
