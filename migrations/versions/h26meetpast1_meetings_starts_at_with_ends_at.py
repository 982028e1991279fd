"""The index of meetings by their start also holds their end: the past list finds its page on it alone

Revision ID: h26meetpast1
Revises: h25meet0001
Create Date: 2026-12-04 08:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'h26meetpast1'
down_revision = 'h25meet0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_starts_at')
        batch_op.create_index('ix_meetings_starts_at', ['starts_at', 'id', 'ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_starts_at')
        batch_op.create_index('ix_meetings_starts_at', ['starts_at', 'id'], unique=False)
