"""Newsletter: subscriptions, sendings and their messages

Revision ID: h23letter001
Revises: h21a7ac4e0f1
Create Date: 2026-12-03 22:30:00

"""
from alembic import op
import sqlalchemy as sa

import consult.database


# revision identifiers, used by Alembic.
revision = 'h23letter001'
down_revision = 'h21a7ac4e0f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('requested_at', consult.database.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', consult.database.UTCDateTime(), nullable=True),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_newsletter_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_subscriptions')),
    sa.UniqueConstraint('email', name=op.f('uq_newsletter_subscriptions_email')),
    sa.UniqueConstraint('user_id', name=op.f('uq_newsletter_subscriptions_user_id'))
    )
    with op.batch_alter_table('newsletter_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_subscriptions_confirmed_at'), ['confirmed_at'], unique=False)

    op.create_table('newsletter_sendings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('news_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('last_batch_at', consult.database.UTCDateTime(), nullable=True),
    sa.Column('queued_at', consult.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', consult.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['news_id'], ['news_items.id'], name=op.f('fk_newsletter_sendings_news_id_news_items')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_newsletter_sendings_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_sendings')),
    sa.UniqueConstraint('news_id', name=op.f('uq_newsletter_sendings_news_id'))
    )
    with op.batch_alter_table('newsletter_sendings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_sendings_queued_at'), ['queued_at'], unique=False)

    op.create_table('newsletter_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sending_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['mail_deliveries.id'], name=op.f('fk_newsletter_messages_delivery_id_mail_deliveries')),
    sa.ForeignKeyConstraint(['sending_id'], ['newsletter_sendings.id'], name=op.f('fk_newsletter_messages_sending_id_newsletter_sendings')),
    sa.ForeignKeyConstraint(['subscription_id'], ['newsletter_subscriptions.id'], name=op.f('fk_newsletter_messages_subscription_id_newsletter_subscriptions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_messages')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_newsletter_messages_delivery_id')),
    sa.UniqueConstraint('sending_id', 'subscription_id', name=op.f('uq_newsletter_messages_sending_id_subscription_id'))
    )
    with op.batch_alter_table('newsletter_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_messages_sending_id'), ['sending_id'], unique=False)


def downgrade():
    with op.batch_alter_table('newsletter_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_messages_sending_id'))
    op.drop_table('newsletter_messages')
    with op.batch_alter_table('newsletter_sendings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_sendings_queued_at'))
    op.drop_table('newsletter_sendings')
    with op.batch_alter_table('newsletter_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_subscriptions_confirmed_at'))
    op.drop_table('newsletter_subscriptions')
