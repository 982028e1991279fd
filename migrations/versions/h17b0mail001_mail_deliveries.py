"""E-mail outbox: one row per e-mail, sent by the task consumer, retried, listed when it fails

Revision ID: h17b0mail001
Revises: a1f0c0de0016
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h17b0mail001'
down_revision = 'a1f0c0de0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', consult.database.UTCDateTime(), nullable=False),
        sa.Column('retry_until', consult.database.UTCDateTime(), nullable=False),
        sa.Column('claimed_until', consult.database.UTCDateTime(), nullable=True),
        sa.Column('sent_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('failed_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key', name=op.f('uq_mail_deliveries_key')),
    )
    op.create_index('ix_mail_deliveries_due', 'mail_deliveries',
                    ['sent_at', 'failed_at', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_mail_deliveries_failed_at'), 'mail_deliveries', ['failed_at'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_mail_deliveries_failed_at'), table_name='mail_deliveries')
    op.drop_index('ix_mail_deliveries_due', table_name='mail_deliveries')
    op.drop_table('mail_deliveries')
