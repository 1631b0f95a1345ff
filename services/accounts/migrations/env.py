"""Alembic environment of the accounts database (its tables plus the messaging ones)."""
from services.accounts.models import Base
from services.common.migrations_env import run

run(Base.metadata)
