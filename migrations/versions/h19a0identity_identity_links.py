"""Identity links: an account's SPID/CIE identities (provider, subject, keyed hash of the fiscal number)

Revision ID: h19a0identit
Revises: a1f0c0de0016
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h19a0identit'
down_revision = 'h17b0mail001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identity_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('fiscal_hash', sa.String(length=64), nullable=False),
        sa.Column('last_login_at', consult.database.UTCDateTime(), nullable=True),
        sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_links_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_links')),
        sa.UniqueConstraint('provider', 'fiscal_hash', name=op.f('uq_identity_links_provider_fiscal_hash')),
        sa.UniqueConstraint('provider', 'subject', name=op.f('uq_identity_links_provider_subject')),
        sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_identity_links_user_id_provider')),
    )
    op.create_index(op.f('ix_identity_links_fiscal_hash'), 'identity_links', ['fiscal_hash'])
    op.create_index(op.f('ix_identity_links_user_id'), 'identity_links', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_identity_links_user_id'), table_name='identity_links')
    op.drop_index(op.f('ix_identity_links_fiscal_hash'), table_name='identity_links')
    op.drop_table('identity_links')
