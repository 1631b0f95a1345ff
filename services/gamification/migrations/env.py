"""Alembic environment of the gamification database (its tables plus the messaging ones)."""
from services.common.migrations_env import run
from services.gamification.models import Base

run(Base.metadata)
