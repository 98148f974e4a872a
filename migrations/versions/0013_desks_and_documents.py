"""organisation details printed on documents, forced password change

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-02 09:20:00

Organisations keep what their printed documents need (单位全称, 监督电话, 地址); a user whose password an
administrator generated (a new account, a reset) must change it at the next login.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch table copy: on SQLite a copy of organisations or users would drop the old
    # table, and with foreign keys on that DROP cascades to the rows referencing it.
    op.add_column('organisations', sa.Column('full_name', sa.String(length=200), server_default='', nullable=False))
    op.add_column('organisations', sa.Column('supervision_phone', sa.String(length=40), server_default='',
                                             nullable=False))
    op.add_column('organisations', sa.Column('address', sa.String(length=200), server_default='', nullable=False))
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column('users', 'must_change_password')
    op.drop_column('organisations', 'address')
    op.drop_column('organisations', 'supervision_phone')
    op.drop_column('organisations', 'full_name')
