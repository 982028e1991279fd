"""Server-side login sessions (user_sessions); an API token's last use and client

Revision ID: h16d3v1c3s00
Revises: a1f0c0de0016
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h16d3v1c3s00'
down_revision = 'h20questions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=255), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('last_seen_at', consult.database.UTCDateTime(), nullable=False),
        sa.Column('ended_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash')),
    )
    with op.batch_alter_table('user_sessions') as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('api_tokens') as batch_op:
        batch_op.add_column(sa.Column('last_used_at', consult.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('client', sa.String(length=255), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('api_tokens') as batch_op:
        batch_op.drop_column('client')
        batch_op.drop_column('last_used_at')
    with op.batch_alter_table('user_sessions') as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
