"""Province-scale pages: the indexes their scoped, yearly, capped queries use

- ``ix_hardship_files_status`` (status, id): a province's case list and its counts by status.
- ``ix_payment_items_org_year_status`` (org_id, year, status, id) and ``ix_payment_items_year_status``
  (year, status, id): the payment work list of one year, a county's and a province's, and its capped counts.

No data changes: the masked 身份证号 (``persons.id_masked``) has been stored beside the encrypted number since
0001; the list pages now read only it.

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-02 10:55:00
"""
from alembic import op

revision = '0014'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hardship_files', schema=None) as batch_op:
        batch_op.create_index('ix_hardship_files_status', ['status', 'id'], unique=False)
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.create_index('ix_payment_items_org_year_status', ['org_id', 'year', 'status', 'id'], unique=False)
        batch_op.create_index('ix_payment_items_year_status', ['year', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_items_year_status')
        batch_op.drop_index('ix_payment_items_org_year_status')
    with op.batch_alter_table('hardship_files', schema=None) as batch_op:
        batch_op.drop_index('ix_hardship_files_status')
