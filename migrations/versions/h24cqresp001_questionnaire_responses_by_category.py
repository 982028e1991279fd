"""An index of questionnaire responses by category: the results count them from it alone

Revision ID: h24cqresp001
Revises: h2xnewsimg01
Create Date: 2026-12-03 22:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'h24cqresp001'
down_revision = 'h2xnewsimg01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index('ix_questionnaire_responses_category', ['questionnaire_id', 'category'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_responses_category')
