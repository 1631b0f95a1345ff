"""the narrower index own rank counts with

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 18:16:00
"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_aggregates_value', 'aggregates', ['category', 'bucket', 'value'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_aggregates_value', table_name='aggregates')
