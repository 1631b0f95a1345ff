"""make run's SQLite mode under eventlet: a unit of work that waits on the network while it holds the
write lock must not freeze the other green threads of its service (the accounts service did, in
make demo: a Stripe call inside a transaction while the outbox relay wanted to write)."""
from __future__ import annotations

import time

import eventlet
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine


def test_a_writer_waiting_on_the_network_does_not_deadlock_another_writer(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (who TEXT)"))
    sessions = sessionmaker(engine)

    def write(who: str, network_wait_s: float) -> float:
        with sessions() as session:
            session.execute(text("INSERT INTO notes VALUES (:who)"), {"who": who})
            eventlet.sleep(network_wait_s)  # e.g. an HTTP call to Stripe: other green threads run now
            session.commit()
        return time.monotonic()

    started = time.monotonic()
    holder = eventlet.spawn(write, "holder", 0.3)
    eventlet.sleep(0.05)  # the holder has written and is waiting on "the network"
    other = eventlet.spawn(write, "other", 0)
    finished = [holder.wait(), other.wait()]

    # without one connection per process the second writer blocks the whole hub in SQLite's busy wait
    # (30 s) and the holder can never resume: here both finish right after the holder's 0.3 s
    assert max(finished) - started < 5
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT who FROM notes")).scalars()) == ["holder", "other"]
    engine.dispose()
