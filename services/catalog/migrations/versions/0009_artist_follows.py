"""following artist pages and the monthly analytics reports

Adds ``artists.followers_count`` (kept by services/catalog/audience/follows.py), ``artist_follows`` (one row
per (user, page)), ``artist_follower_notices`` (the "New follower" notification made for a (page, follower),
at most once) and ``analytics_reports`` (one per (page, month)). Every row goes with its artist page.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UUID = sa.String(length=36)


def _moment(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _artist(table: str) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    return (sa.Column("artist_id", UUID, nullable=False),
            sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], name=op.f(f"fk_{table}_artist_id_artists"),
                                    ondelete="CASCADE"))


def upgrade() -> None:
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("followers_count", sa.Integer(), server_default="0", nullable=False))

    column, foreign_key = _artist("artist_follows")
    op.create_table("artist_follows", sa.Column("user_id", UUID, nullable=False), column, _moment("created_at"),
                    foreign_key, sa.PrimaryKeyConstraint("user_id", "artist_id", name=op.f("pk_artist_follows")))
    with op.batch_alter_table("artist_follows", schema=None) as batch_op:
        batch_op.create_index("ix_artist_follows_artist_newest", ["artist_id", "created_at", "user_id"],
                              unique=False)

    column, foreign_key = _artist("artist_follower_notices")
    op.create_table("artist_follower_notices", column, sa.Column("follower_id", UUID, nullable=False),
                    sa.Column("notification_id", UUID, nullable=False), _moment("created_at"), foreign_key,
                    sa.PrimaryKeyConstraint("artist_id", "follower_id", name=op.f("pk_artist_follower_notices")))
    with op.batch_alter_table("artist_follower_notices", schema=None) as batch_op:
        batch_op.create_index("ix_artist_follower_notices_follower", ["follower_id"], unique=False)

    column, foreign_key = _artist("analytics_reports")
    op.create_table("analytics_reports", column, sa.Column("month", sa.String(length=7), nullable=False),
                    sa.Column("plays", sa.Integer(), nullable=False), sa.Column("likes", sa.Integer(), nullable=False),
                    sa.Column("new_followers", sa.Integer(), nullable=False), _moment("created_at"), foreign_key,
                    sa.PrimaryKeyConstraint("artist_id", "month", name=op.f("pk_analytics_reports")))


def downgrade() -> None:
    op.drop_table("analytics_reports")
    with op.batch_alter_table("artist_follower_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_artist_follower_notices_follower")
    op.drop_table("artist_follower_notices")
    with op.batch_alter_table("artist_follows", schema=None) as batch_op:
        batch_op.drop_index("ix_artist_follows_artist_newest")
    op.drop_table("artist_follows")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_column("followers_count")
