"""plays and listening history: counted plays, the per (listener, track) anti-repeat window, history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "plays",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("listener_user_id", sa.String(length=36), nullable=False),
        sa.Column("position_s", sa.Float(), nullable=False),
        sa.Column("played_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_plays_track_id_tracks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plays")),
    )
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.create_index("ix_plays_listener_played", ["listener_user_id", "played_at"], unique=False)
        batch_op.create_index("ix_plays_track_played", ["track_id", "played_at"], unique=False)

    op.create_table(
        "play_windows",
        sa.Column("listener_user_id", sa.String(length=36), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("last_counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_play_windows_track_id_tracks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("listener_user_id", "track_id", name=op.f("pk_play_windows")),
    )
    with op.batch_alter_table("play_windows", schema=None) as batch_op:
        batch_op.create_index("ix_play_windows_track", ["track_id"], unique=False)

    op.create_table(
        "listening_history",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("listener_user_id", sa.String(length=36), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("position_s", sa.Float(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("listened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_listening_history_track_id_tracks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listening_history")),
    )
    with op.batch_alter_table("listening_history", schema=None) as batch_op:
        batch_op.create_index("ix_listening_history_listener_newest", ["listener_user_id", "listened_at", "id"],
                              unique=False)
        batch_op.create_index("ix_listening_history_track", ["track_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("listening_history", schema=None) as batch_op:
        batch_op.drop_index("ix_listening_history_track")
        batch_op.drop_index("ix_listening_history_listener_newest")
    op.drop_table("listening_history")
    with op.batch_alter_table("play_windows", schema=None) as batch_op:
        batch_op.drop_index("ix_play_windows_track")
    op.drop_table("play_windows")
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.drop_index("ix_plays_track_played")
        batch_op.drop_index("ix_plays_listener_played")
    op.drop_table("plays")
