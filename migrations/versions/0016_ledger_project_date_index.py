"""The daily scan reads a project's spending from its budget counter less the ledger entries after a month end

- ``ix_ledger_entries_project_date`` on ``ledger_entries (project_id, entry_date)``: those entries without summing
  the project's whole ledger.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02 10:40:00
"""
from alembic import op

revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_project_date', ['project_id', 'entry_date'], unique=False)


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_project_date')
