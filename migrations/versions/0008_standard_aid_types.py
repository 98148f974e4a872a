"""standard aid types

Revision ID: 0008
Revises: 0012
Create Date: 2026-12-02 09:00:00.000000

Data only: the six standard 帮扶类型, so that a fresh installation can register its first payment without
``caseapp payments seed-aid-types``. Written out here (not read from the models) so that this revision
always inserts the same rows; a type that already exists by name is left as it is.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0012'
branch_labels = None
depends_on = None

#: (name, kind) as caseapp.payments.models.DEFAULT_AID_TYPES had them when this revision was written
STANDARD = [('生活救助', 'hardship'), ('医疗救助', 'hardship'), ('助学', 'hardship'), ('慰问', 'general'),
            ('劳模帮扶', 'modelworker'), ('表彰奖励', 'award')]

aid_types = sa.table('aid_types', sa.column('name', sa.String), sa.column('kind', sa.String),
                     sa.column('is_active', sa.Boolean))


def upgrade():
    conn = op.get_bind()
    existing = set(conn.execute(sa.select(aid_types.c.name)).scalars())
    missing = [{'name': name, 'kind': kind, 'is_active': True} for name, kind in STANDARD if name not in existing]
    if missing:
        op.bulk_insert(aid_types, missing)


def downgrade():
    # the types stay: payment items and caps may refer to them, and an earlier schema holds them just as well
    pass
