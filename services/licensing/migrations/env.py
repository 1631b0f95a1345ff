"""Alembic environment of the licensing database (its tables plus the messaging ones)."""
from services.common.migrations_env import run
from services.licensing.models import Base

run(Base.metadata)
