"""News images: one checked image per news item, with its alternative text (issue 23)

Revision ID: h2xnewsimg01
Revises: h23letter001
Create Date: 2026-12-03 22:20:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h2xnewsimg01'
down_revision = 'h23letter001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'news_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('news_id', sa.Integer(), nullable=False),
        sa.Column('alt', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('mime_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=100), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('removed_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['news_id'], ['news_items.id'], name=op.f('fk_news_images_news_id_news_items')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_news_images_uploaded_by_id_users')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_news_images_removed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_news_images')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_news_images_storage_key')),
    )
    with op.batch_alter_table('news_images') as batch_op:
        batch_op.create_index(batch_op.f('ix_news_images_news_id'), ['news_id'], unique=False)
        batch_op.create_index('uq_news_images_shown', ['news_id'], unique=True,
                              sqlite_where=sa.text('removed_at IS NULL'),
                              postgresql_where=sa.text('removed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('news_images') as batch_op:
        batch_op.drop_index('uq_news_images_shown')
        batch_op.drop_index(batch_op.f('ix_news_images_news_id'))
    op.drop_table('news_images')
