"""The shared migration step for the messaging tables: it builds exactly what the messaging models describe,
and every service's first migration uses it instead of a copy."""
import shutil

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from services.common import config
from services.common.messaging import migration
from services.common.messaging.models import MessagingBase
from services.common.migrate import alembic_config


@pytest.fixture
def connection(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'messaging.db'}")
    with engine.begin() as conn:
        yield conn
    engine.dispose()


def run_step(connection, step) -> None:
    with Operations.context(MigrationContext.configure(connection)):
        step()


def test_the_created_tables_are_exactly_the_messaging_models(connection):
    run_step(connection, migration.create_messaging_tables)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, MessagingBase.metadata) == []
    assert set(inspect(connection).get_table_names()) == set(MessagingBase.metadata.tables)


def test_the_drop_step_removes_both_tables(connection):
    run_step(connection, migration.create_messaging_tables)
    run_step(connection, migration.drop_messaging_tables)
    assert inspect(connection).get_table_names() == []


@pytest.mark.parametrize("service", config.SERVICES)
def test_every_service_first_migration_uses_the_shared_step(service):
    scripts = ScriptDirectory.from_config(alembic_config(service, "sqlite://"))
    [base] = scripts.get_bases()
    module = scripts.get_revision(base).module
    for step in ("create_messaging_tables", "drop_messaging_tables"):
        assert getattr(module, step, None) is getattr(migration, step), \
            f"{service}'s first migration must import {step} from services.common.messaging.migration"
    assert "create_messaging_tables" in module.upgrade.__code__.co_names, f"{service}: upgrade() must call it"
    assert "drop_messaging_tables" in module.downgrade.__code__.co_names, f"{service}: downgrade() must call it"


def test_a_generated_first_migration_calls_the_shared_steps(tmp_path):
    """What `alembic revision --autogenerate` writes for a new service: its own table spelled out, the messaging
    tables as the two shared calls; and the result builds exactly the models."""
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    shutil.copy2(config.ROOT / "services" / "audio" / "migrations" / "script.py.mako", scripts)
    (scripts / "env.py").write_text(
        "from sqlalchemy import Column, MetaData, String, Table\n"
        "from services.common.migrations_env import run\n\n"
        "metadata = MetaData()\n"
        "Table('licences', metadata, Column('id', String(36), primary_key=True))\n"
        "run(metadata)\n")
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'new_service.db'}")

    command.revision(cfg, message="initial", autogenerate=True, rev_id="0001")
    [generated] = (scripts / "versions").glob("0001_*.py")
    text = generated.read_text()
    upgrade, downgrade = text.split("def downgrade")
    assert "op.create_table('licences'" in upgrade and "create_messaging_tables()" in upgrade
    assert "drop_messaging_tables()" in downgrade and "op.drop_table('licences')" in downgrade
    assert "'outbox'" not in text and "'processed_events'" not in text
    assert "from services.common.messaging.migration import create_messaging_tables, drop_messaging_tables" in text

    command.upgrade(cfg, "head")
    command.check(cfg)  # no drift: the generated migration builds the models and the messaging tables
