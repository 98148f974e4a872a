"""money as 64-bit integers, login throttling by account and address, server-side searches

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

- Money columns (``*_fen``) become BIGINT on PostgreSQL (INTEGER held at most ¥21,474,836.47); SQLite's
  INTEGER is 64-bit already, so SQLite keeps its columns.
- ``login_throttles`` counts attempts per account name and per client address with a growing block: its rows
  are short-lived counters, so the table is rebuilt rather than altered. ``users.failed_logins`` and
  ``users.locked_until`` go (the per-account counter replaces them).
- ``saved_searches`` keeps list searches on the server instead of the session cookie.
- ``payment_events.actor_id``: who took each workflow step, so that nobody both approves and pays an item.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: every money column: table → columns (nullable ones marked)
MONEY = {
    'aid_caps': ['cap_fen'],
    'award_categories': ['amount_fen'],
    'benefit_rules': ['amount_fen?', 'threshold_fen?'],
    'budget_changes': ['before_fen', 'after_fen'],
    'budget_counters': ['reserved_fen', 'paid_fen', 'cap_fen'],
    'family_members': ['income_fen'],
    'hardship_files': ['own_income_fen', 'family_income_fen', 'per_capita_income_fen'],
    'hardship_thresholds': ['deep_max_fen', 'relative_max_fen'],
    'ledger_entries': ['amount_fen'],
    'model_workers': ['allowance_monthly_fen'],
    'monitoring_reports': ['expected_spend_fen?'],
    'payment_items': ['amount_fen'],
    'person_aid_counters': ['used_fen', 'cap_fen'],
    'projects': ['budget_fen', 'fiscal_fen', 'other_fen'],
    'survey_members': ['paid_fen'],
}


def _money_type(type_) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in MONEY.items():
        for column in columns:
            op.alter_column(table, column.rstrip('?'), type_=type_, existing_nullable=column.endswith('?'))


def _login_throttles(new: bool) -> None:
    op.drop_table('login_throttles')
    times = ([sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=False),
              sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True)] if new else
             [sa.Column('window_start', sa.DateTime(timezone=True), nullable=False)])
    op.create_table('login_throttles',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.String(length=100), nullable=False),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    *times,
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
                    sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key')))


def upgrade():
    _money_type(sa.BigInteger())
    _login_throttles(new=True)
    for column in ('failed_logins', 'locked_until'):
        # SQLite 3.35+ drops a column in place; a batch copy would DROP TABLE users, which rows elsewhere reference
        op.execute(f'ALTER TABLE users DROP COLUMN {column}')
    op.create_table('saved_searches',
                    sa.Column('token', sa.String(length=32), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('scope', sa.String(length=40), nullable=False),
                    sa.Column('name', sa.Text(), nullable=True),
                    sa.Column('id_hash', sa.String(length=64), nullable=True),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'),
                                            ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('token', name=op.f('pk_saved_searches')))
    op.create_index(op.f('ix_saved_searches_created_at'), 'saved_searches', ['created_at'], unique=False)
    op.create_index(op.f('ix_saved_searches_user_id'), 'saved_searches', ['user_id'], unique=False)
    with op.batch_alter_table('payment_events') as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_events_actor_id_users'), 'users', ['actor_id'], ['id'])


def downgrade():
    with op.batch_alter_table('payment_events') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_events_actor_id_users'), type_='foreignkey')
        batch_op.drop_column('actor_id')
    op.drop_index(op.f('ix_saved_searches_user_id'), table_name='saved_searches')
    op.drop_index(op.f('ix_saved_searches_created_at'), table_name='saved_searches')
    op.drop_table('saved_searches')
    op.add_column('users', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    _login_throttles(new=False)
    _money_type(sa.Integer())
