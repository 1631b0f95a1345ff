"""one account may manage several artist pages; artist pages searchable by name

- ``artists.user_id`` is no longer unique: an approved producer may be given further pages (a new one or a
  claimed one); ``artists.claimed_at`` says when the account got the page (for the pages owned today: when
  they were created), and ``ix_artists_user_oldest`` lists an account's pages by it (the first is its default);
- ``artists.name_key``, the name normalised — case-folded, accents removed, spaces collapsed — (filled here
  for the existing pages, kept by the model), with ``ix_artists_name_key`` (the search's order and pages)
  and ``ix_artists_name_key_trgm``: on PostgreSQL a
  trigram GIN index (``pg_trgm``, shipped with PostgreSQL and trusted since version 13, so the database's
  owner may create it) serving the substring match; on SQLite a plain index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00
"""
import unicodedata
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NAME_MAX = 100
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_constraint("uq_artists_user_id", type_="unique")
        batch_op.add_column(sa.Column("name_key", sa.String(length=NAME_MAX), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    _fill_name_keys()
    op.execute("UPDATE artists SET claimed_at = created_at WHERE user_id IS NOT NULL")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=NAME_MAX), nullable=False)
        batch_op.create_index("ix_artists_user_oldest", ["user_id", "claimed_at", "id"], unique=False)
        batch_op.create_index("ix_artists_name_key", ["name_key", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # a GIN trigram index on PostgreSQL; SQLite ignores the options and builds a plain one (as the model says)
    op.create_index("ix_artists_name_key_trgm", "artists", ["name_key"], unique=False, postgresql_using="gin",
                    postgresql_ops={"name_key": "gin_trgm_ops"})


def _fill_name_keys() -> None:
    """Normalised in Python as the model does (SQLite's lower() knows ASCII only, and neither database
    removes accents)."""
    bind = op.get_bind()
    artists = sa.table("artists", sa.column("id", sa.String), sa.column("name", sa.String),
                       sa.column("name_key", sa.String))
    after = ""
    while True:
        rows = bind.execute(sa.select(artists.c.id, artists.c.name).where(artists.c.id > after)
                            .order_by(artists.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(artists.update().where(artists.c.id == sa.bindparam("row_id"))
                     .values(name_key=sa.bindparam("key")),
                     [{"row_id": row.id, "key": _normalize(row.name)[:NAME_MAX]} for row in rows])
        after = rows[-1].id


def _normalize(text: str) -> str:
    """services/catalog/tracks/rules.py ``normalize`` as it was when this revision was written."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def downgrade() -> None:
    op.drop_index("ix_artists_name_key_trgm", table_name="artists")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index("ix_artists_name_key")
        batch_op.drop_index("ix_artists_user_oldest")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("name_key")
        # fails while an account manages several pages: the old schema cannot hold them
        batch_op.create_unique_constraint("uq_artists_user_id", ["user_id"])
