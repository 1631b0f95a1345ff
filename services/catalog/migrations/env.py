"""Alembic environment of the catalog database (its tables plus the messaging ones)."""
from services.catalog.models import Base
from services.common.migrations_env import run

run(Base.metadata)
