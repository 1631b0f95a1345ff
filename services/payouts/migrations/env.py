"""Alembic environment of the payouts database (its tables plus the messaging ones)."""
from services.common.migrations_env import run
from services.payouts.models import Base

run(Base.metadata)
