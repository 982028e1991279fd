"""Verified identities: an account's verification time, a process open to verified accounts only

Revision ID: a1f0c0de0016
Revises: 47252e933dbb
Create Date: 2026-12-03 19:10:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'a1f0c0de0016'
down_revision = '47252e933dbb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('verified_at', consult.database.UTCDateTime(), nullable=True))
    with op.batch_alter_table('processes') as batch_op:
        batch_op.add_column(sa.Column('voting_requires_verified', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('processes') as batch_op:
        batch_op.drop_column('voting_requires_verified')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('verified_at')
