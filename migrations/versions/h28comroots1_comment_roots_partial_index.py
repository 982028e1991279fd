"""On PostgreSQL, an index of the root comments alone, in page order: a page of a thread reads its roots in order instead of sorting them all

Revision ID: h28comroots1
Revises: h27compar001
Create Date: 2026-12-04 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h28comroots1'
down_revision = 'h27compar001'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite keeps ix_comments_roots: given this index, it counted roots badly
    op.drop_index('ix_comments_roots', table_name='comments')
    op.create_index('ix_comments_root_pages', 'comments',
                    ['target_type', 'target_id', 'created_at', 'id'], unique=False,
                    postgresql_where=sa.text('parent_id IS NULL'))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_comments_root_pages', table_name='comments')
    op.create_index('ix_comments_roots', 'comments',
                    ['target_type', 'target_id', 'parent_id', 'created_at', 'id'], unique=False)
