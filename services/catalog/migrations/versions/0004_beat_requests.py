"""beat requests, responses and notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 07:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "beat_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("requester_user_id", sa.String(length=36), nullable=False),
        sa.Column("genre", sa.String(length=50), nullable=False),
        sa.Column("genre_key", sa.String(length=50), nullable=False),
        sa.Column("bpm_min", sa.Integer(), nullable=False),
        sa.Column("bpm_max", sa.Integer(), nullable=False),
        sa.Column("mood", sa.String(length=100), nullable=False),
        sa.Column("budget_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference_track_id", sa.String(length=36), nullable=True),
        sa.Column("lifetime_hours", sa.Integer(), nullable=False),
        sa.Column("cost_tokens", sa.Integer(), nullable=False),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["reference_track_id"], ["tracks.id"],
                                name=op.f("fk_beat_requests_reference_track_id_tracks"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beat_requests")),
    )
    with op.batch_alter_table("beat_requests", schema=None) as batch_op:
        batch_op.create_index("ix_beat_requests_newest", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_beat_requests_requester_newest", ["requester_user_id", "created_at", "id"],
                              unique=False)
        batch_op.create_index("ix_beat_requests_genre", ["genre_key", "created_at"], unique=False)
        batch_op.create_index("ix_beat_requests_expires", ["expires_at"], unique=False)

    op.create_table(
        "beat_request_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("beat_request_id", sa.String(length=36), nullable=False),
        sa.Column("producer_user_id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"],
                                name=op.f("fk_beat_request_responses_artist_id_artists"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["beat_request_id"], ["beat_requests.id"],
                                name=op.f("fk_beat_request_responses_beat_request_id_beat_requests"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"],
                                name=op.f("fk_beat_request_responses_track_id_tracks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beat_request_responses")),
    )
    with op.batch_alter_table("beat_request_responses", schema=None) as batch_op:
        batch_op.create_index("uq_beat_request_responses_producer", ["beat_request_id", "producer_user_id"],
                              unique=True)
        batch_op.create_index("ix_beat_request_responses_newest", ["beat_request_id", "created_at", "id"],
                              unique=False)
        batch_op.create_index("ix_beat_request_responses_track", ["track_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_newest", ["user_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_newest")
    op.drop_table("notifications")
    with op.batch_alter_table("beat_request_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_beat_request_responses_track")
        batch_op.drop_index("ix_beat_request_responses_newest")
        batch_op.drop_index("uq_beat_request_responses_producer")
    op.drop_table("beat_request_responses")
    with op.batch_alter_table("beat_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_beat_requests_expires")
        batch_op.drop_index("ix_beat_requests_genre")
        batch_op.drop_index("ix_beat_requests_requester_newest")
        batch_op.drop_index("ix_beat_requests_newest")
    op.drop_table("beat_requests")
