"""Attachments: checked files on a process, a document, an action plan (issue 21)

Revision ID: h21a7ac4e0f1
Revises: a1f0c0de0016
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h21a7ac4e0f1'
down_revision = 'h16d3v1c3s00'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_type', sa.String(length=20), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('mime_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=100), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('hidden_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_attachments_hidden_by_id_users')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key')),
    )
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.create_index('ix_attachments_target', ['target_type', 'target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments') as batch_op:
        batch_op.drop_index('ix_attachments_target')
    op.drop_table('attachments')
