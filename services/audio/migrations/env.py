"""Alembic environment of the audio database (its tables plus the messaging ones)."""
from services.audio.models import Base
from services.common.migrations_env import run

run(Base.metadata)
