"""Index of the plan list order (newest first)

Revision ID: 47252e933dbb
Revises: b07bc4efae1d
Create Date: 2026-11-25 14:48:14.644048

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '47252e933dbb'
down_revision = 'b07bc4efae1d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_action_plans_created_at', 'action_plans', ['created_at', 'id'])


def downgrade():
    op.drop_index('ix_action_plans_created_at', table_name='action_plans')
