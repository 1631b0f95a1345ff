"""Alembic environment of the catalog database (its tables plus the messaging ones). Every area's
tables are on the one ``Base.metadata``: each area's models are imported so autogenerate and
``alembic check`` see all of them."""
from services.catalog.audience import models as audience_models  # noqa: F401 - registers the tables
from services.catalog.beat_requests import models as beat_request_models  # noqa: F401
from services.catalog.community import models as community_models  # noqa: F401
from services.catalog.plays import models as play_models  # noqa: F401
from services.catalog.shared.models import Base
from services.catalog.tracks import models as track_models  # noqa: F401
from services.common.migrations_env import run

run(Base.metadata)
