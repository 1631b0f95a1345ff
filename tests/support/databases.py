"""A service's own database for one integration test: fresh, migrated to the latest revision, and exported as
``<SERVICE>_DATABASE_URL`` (what the service's container reads); and a session factory on it."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine
from services.common.migrate import upgrade


def fresh_database(pg, monkeypatch, service: str) -> str:
    url = pg.create(f"{service}_{uuid.uuid4().hex[:8]}")
    upgrade(service, url)
    monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", url)
    return url


@contextmanager
def sessions(url: str) -> Iterator[sessionmaker]:
    """Sessions that keep their objects readable after commit, as the tests inspect them; the engine is disposed."""
    engine = make_engine(url)
    try:
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()
