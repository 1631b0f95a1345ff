"""UnitOfWork on an in-memory SQLite database: after-commit actions and the run() helper."""
import pytest
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork, make_engine
from services.common.messaging.models import MessagingBase, OutboxMessage
from services.contracts.events import USER_REGISTERED


@pytest.fixture
def session_factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'uow.db'}")
    MessagingBase.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def test_after_commit_actions_run_once_after_the_commit(session_factory):
    done = []
    uow = UnitOfWork(session_factory)
    uow.session.add(OutboxMessage(event_id="e1", event_type="t", body="{}"))
    uow.after_commit(lambda: done.append(uow.session.query(OutboxMessage).count()))
    assert done == []
    uow.commit()
    assert done == [1]  # ran after the row was committed
    uow.commit()
    assert done == [1]  # and only once


def test_after_commit_actions_are_dropped_on_rollback(session_factory):
    done = []
    uow = UnitOfWork(session_factory)
    uow.session.add(OutboxMessage(event_id="e2", event_type="t", body="{}"))
    uow.after_commit(lambda: done.append("deleted files"))
    uow.rollback()
    uow.commit()
    assert done == []


def test_a_failing_after_commit_action_does_not_undo_the_commit(session_factory):
    def boom():
        raise OSError("disk gone")

    uow = UnitOfWork(session_factory)
    uow.session.add(OutboxMessage(event_id="e3", event_type="t", body="{}"))
    uow.after_commit(boom)
    uow.commit()
    with session_factory() as check:
        assert check.query(OutboxMessage).filter_by(event_id="e3").count() == 1


def test_run_commits_on_return_and_rolls_back_on_error(session_factory):
    nudges = []
    uow = UnitOfWork(session_factory, on_commit=lambda: nudges.append(1))
    uow.run(lambda work: work.emit(USER_REGISTERED, {"user_id": "6f1c8e3a-8a56-4d6a-9d5e-0c4bb7f6f6a1",
                                                     "username": "x"}))
    assert nudges == [1]  # the relay is woken for the emitted event

    def failing(work):
        work.session.add(OutboxMessage(event_id="e4", event_type="t", body="{}"))
        raise ValueError("refused")

    with pytest.raises(ValueError):
        UnitOfWork(session_factory).run(failing)
    with session_factory() as check:
        assert check.query(OutboxMessage).filter_by(event_id="e4").count() == 0
        assert check.query(OutboxMessage).count() == 1
