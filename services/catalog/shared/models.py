"""The declarative base every area's models share: one metadata, so the catalog database is one
Alembic history (services/catalog/migrations/env.py imports every area's models onto it)."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.common.persistence import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()
