"""An index of the comments shown, by their paragraph: a section counts its paragraphs' comments on it alone

Revision ID: h27compar001
Revises: h26meetpast1
Create Date: 2026-12-04 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h27compar001'
down_revision = 'h26meetpast1'
branch_labels = None
depends_on = None

SHOWN = 'deleted_at IS NULL AND hidden_at IS NULL'


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_shown_by_paragraph',
                              ['target_type', 'target_id', 'paragraph', 'id'], unique=False,
                              sqlite_where=sa.text(SHOWN), postgresql_where=sa.text(SHOWN))


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_shown_by_paragraph')
