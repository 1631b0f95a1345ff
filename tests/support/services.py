"""Helpers for a service's integration tests: calling its RPC methods as nameko would, and a unit of work
on a freshly migrated SQLite file (make run's database)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from nameko.testing.services import entrypoint_hook
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork, make_engine
from services.common.migrate import upgrade


class ServiceCaller:
    """Calls the running service's RPC methods, in a worker, as nameko would."""

    def __init__(self, container):
        self.container = container

    def __getattr__(self, method: str):
        def call(*args, **kwargs):
            with entrypoint_hook(self.container, method) as hook:
                return hook(*args, **kwargs)

        return call


@contextmanager
def sqlite_unit_of_work(service: str, directory: Path) -> Iterator[UnitOfWork]:
    url = f"sqlite:///{directory / f'{service}.db'}"
    upgrade(service, url)
    engine = make_engine(url)
    unit = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
    try:
        yield unit
    finally:
        unit.close()
        engine.dispose()
