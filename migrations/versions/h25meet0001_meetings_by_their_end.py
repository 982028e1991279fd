"""An index of meetings by their end: the upcoming list finds its page and counts from it alone

Revision ID: h25meet0001
Revises: h24cqresp001
Create Date: 2026-12-04 02:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'h25meet0001'
down_revision = 'h24cqresp001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_ends_at', ['ends_at', 'starts_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_ends_at')
