"""Production on several machines: stashed files in the database; run records that tell the truth

- ``stashed_files``: pending budget imports and roster error workbooks (encrypted, expiring), so any web machine
  continues any user's flow (they used to be files under the instance folder).
- ``job_runs``: written when a run starts (``running``, ``finished_at`` empty until it ends), stamped by the
  run's heartbeat (``heartbeat_at``), with the process that ran it (``host``); new statuses ``running``,
  ``partial``, ``interrupted`` and ``missed``.

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-02 08:06:55.909708
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0009'
branch_labels = None
depends_on = None

STATUSES = "status IN ('running','ok','partial','failed','interrupted','skipped_locked','missed')"
OLD_STATUSES = "status IN ('ok','failed','skipped_locked')"


def upgrade():
    op.create_table('stashed_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('meta', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stashed_files_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stashed_files')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_stashed_files_token_hash'))
    )
    with op.batch_alter_table('stashed_files', schema=None) as batch_op:
        batch_op.create_index('ix_stashed_files_expires', ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stashed_files_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=200), nullable=True))
        batch_op.alter_column('finished_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), STATUSES)


def downgrade():
    op.execute("UPDATE job_runs SET status = 'failed' WHERE status IN ('running','partial','interrupted','missed')")
    op.execute("UPDATE job_runs SET finished_at = started_at WHERE finished_at IS NULL")
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), OLD_STATUSES)
        batch_op.alter_column('finished_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column('host')
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('stashed_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stashed_files_user_id'))
        batch_op.drop_index('ix_stashed_files_expires')

    op.drop_table('stashed_files')
