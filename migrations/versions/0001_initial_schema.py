"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 23:23:16.779608

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


#: triggers registered next to the models (caseapp.core.ddl), written out per engine
TRIGGERS = {
    'postgresql': [
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER audit_events_append_only_trg BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()',
        "CREATE OR REPLACE FUNCTION award_recipient_statuses_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'award_recipient_statuses 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER award_recipient_statuses_append_only_trg BEFORE UPDATE OR DELETE ON award_recipient_statuses FOR EACH ROW EXECUTE FUNCTION award_recipient_statuses_append_only()',
        "CREATE OR REPLACE FUNCTION file_status_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'file_status_changes 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER file_status_changes_append_only_trg BEFORE UPDATE OR DELETE ON file_status_changes FOR EACH ROW EXECUTE FUNCTION file_status_changes_append_only()',
        "CREATE OR REPLACE FUNCTION indicator_manual_values_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'indicator_manual_values 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER indicator_manual_values_append_only_trg BEFORE UPDATE OR DELETE ON indicator_manual_values FOR EACH ROW EXECUTE FUNCTION indicator_manual_values_append_only()',
        "CREATE OR REPLACE FUNCTION payment_items_paid_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.status IN ('已发放','已到账','已退回','已冲正') AND (TG_OP = 'DELETE' OR NEW.amount_fen IS DISTINCT FROM OLD.amount_fen OR NEW.person_id IS DISTINCT FROM OLD.person_id OR NEW.award_recipient_id IS DISTINCT FROM OLD.award_recipient_id OR NEW.project_id IS DISTINCT FROM OLD.project_id OR NEW.aid_type_id IS DISTINCT FROM OLD.aid_type_id OR NEW.paid_on IS DISTINCT FROM OLD.paid_on OR NEW.status NOT IN ('已发放','已到账','已退回','已冲正')) THEN RAISE EXCEPTION '已发放的款项不可修改金额、对象或项目，也不可删除' USING ERRCODE = 'P0001'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$",
        'CREATE TRIGGER payment_items_paid_guard_trg BEFORE UPDATE OR DELETE ON payment_items FOR EACH ROW EXECUTE FUNCTION payment_items_paid_guard()',
        "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger_entries 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER ledger_entries_append_only_trg BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()',
    ],
    'sqlite': [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER award_recipient_statuses_no_update BEFORE UPDATE ON award_recipient_statuses BEGIN SELECT RAISE(ABORT, 'award_recipient_statuses 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER award_recipient_statuses_no_delete BEFORE DELETE ON award_recipient_statuses BEGIN SELECT RAISE(ABORT, 'award_recipient_statuses 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER file_status_changes_no_update BEFORE UPDATE ON file_status_changes BEGIN SELECT RAISE(ABORT, 'file_status_changes 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER file_status_changes_no_delete BEFORE DELETE ON file_status_changes BEGIN SELECT RAISE(ABORT, 'file_status_changes 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER indicator_manual_values_no_update BEFORE UPDATE ON indicator_manual_values BEGIN SELECT RAISE(ABORT, 'indicator_manual_values 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER indicator_manual_values_no_delete BEFORE DELETE ON indicator_manual_values BEGIN SELECT RAISE(ABORT, 'indicator_manual_values 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER payment_items_paid_no_update BEFORE UPDATE ON payment_items WHEN OLD.status IN ('已发放','已到账','已退回','已冲正') AND (NEW.amount_fen IS NOT OLD.amount_fen OR NEW.person_id IS NOT OLD.person_id OR NEW.award_recipient_id IS NOT OLD.award_recipient_id OR NEW.project_id IS NOT OLD.project_id OR NEW.aid_type_id IS NOT OLD.aid_type_id OR NEW.paid_on IS NOT OLD.paid_on OR NEW.status NOT IN ('已发放','已到账','已退回','已冲正')) BEGIN SELECT RAISE(ABORT, '已发放的款项不可修改金额、对象或项目，也不可删除'); END",
        "CREATE TRIGGER payment_items_paid_no_delete BEFORE DELETE ON payment_items WHEN OLD.status IN ('已发放','已到账','已退回','已冲正') BEGIN SELECT RAISE(ABORT, '已发放的款项不可修改金额、对象或项目，也不可删除'); END",
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries 是只增不改的表，禁止修改或删除'); END",
    ],
}


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('aid_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('hardship','modelworker','award','general')", name=op.f('ck_aid_types_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_types')),
    sa.UniqueConstraint('name', name=op.f('uq_aid_types_name'))
    )
    op.create_table('benefit_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('shape', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=True),
    sa.Column('aid_type', sa.String(length=20), nullable=False),
    sa.Column('hardship_only', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=True),
    sa.Column('threshold_fen', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IS NULL OR level IN ('全国','省部级','市级','县级')", name=op.f('ck_benefit_rules_level')),
    sa.CheckConstraint("shape <> 'top_up' OR threshold_fen IS NOT NULL", name=op.f('ck_benefit_rules_top_up_threshold')),
    sa.CheckConstraint("shape = 'top_up' OR amount_fen IS NOT NULL", name=op.f('ck_benefit_rules_amount_required')),
    sa.CheckConstraint("shape IN ('fixed','top_up','one_off')", name=op.f('ck_benefit_rules_shape')),
    sa.CheckConstraint('amount_fen IS NULL OR amount_fen >= 0', name=op.f('ck_benefit_rules_amount_nonnegative')),
    sa.CheckConstraint('threshold_fen IS NULL OR threshold_fen >= 0', name=op.f('ck_benefit_rules_threshold_nonnegative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_rules'))
    )
    with op.batch_alter_table('benefit_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_rules_year'), ['year'], unique=False)

    op.create_table('holiday_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_overrides_day'))
    )
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('key', name=op.f('uq_idempotency_keys_key'))
    )
    op.create_table('indicator_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_rollups'))
    )
    with op.batch_alter_table('indicator_rollups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_rollups_year'), ['year'], unique=False)

    op.create_table('job_leases',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=True),
    sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('runner', sa.String(length=16), nullable=False),
    sa.CheckConstraint("status IN ('ok','failed','skipped_locked')", name=op.f('ck_job_runs_status')),
    sa.CheckConstraint('duration_ms >= 0', name=op.f('ck_job_runs_duration_nonnegative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_name_started', ['name', 'started_at'], unique=False)

    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('county','township','grassroots')", name=op.f('ck_organisations_level')),
    sa.ForeignKeyConstraint(['parent_id'], ['organisations.id'], name=op.f('fk_organisations_parent_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('code', name=op.f('uq_organisations_code'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_path'), ['path'], unique=False)

    op.create_table('payment_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publicity_workdays', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.CheckConstraint("period_kind IN ('year','quarter')", name=op.f('ck_payment_settings_period_kind')),
    sa.CheckConstraint('publicity_workdays BETWEEN 1 AND 30', name=op.f('ck_payment_settings_publicity_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_settings'))
    )
    op.create_table('scheduler_heartbeats',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hostname', sa.String(length=200), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_heartbeats'))
    )
    op.create_table('aid_caps',
    sa.Column('aid_type_id', sa.Integer(), nullable=False),
    sa.Column('cap_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint('cap_fen >= 0', name=op.f('ck_aid_caps_cap_nonnegative')),
    sa.ForeignKeyConstraint(['aid_type_id'], ['aid_types.id'], name=op.f('fk_aid_caps_aid_type_id_aid_types')),
    sa.PrimaryKeyConstraint('aid_type_id', name=op.f('pk_aid_caps'))
    )
    op.create_table('hardship_thresholds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('deep_max_fen', sa.Integer(), nullable=False),
    sa.Column('relative_max_fen', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('deep_max_fen >= 0 AND relative_max_fen >= deep_max_fen', name=op.f('ck_hardship_thresholds_bounds_ordered')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_hardship_thresholds_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_thresholds')),
    sa.UniqueConstraint('year', 'org_id', name='uq_hardship_thresholds_year_org')
    )
    op.create_table('payment_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('minutes_no', sa.String(length=60), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_payment_meetings_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_meetings'))
    )
    with op.batch_alter_table('payment_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_meetings_org_id'), ['org_id'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('id_masked', sa.String(length=24), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('phone_masked', sa.String(length=20), nullable=True),
    sa.Column('work_unit', sa.String(length=200), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('bank_account', sa.Text(), nullable=True),
    sa.Column('bank_account_masked', sa.String(length=24), nullable=True),
    sa.Column('account_holder', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sex IN ('男','女')", name=op.f('ck_persons_sex')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_persons_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_persons_id_hash'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_org_id'), ['org_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('fiscal_fen', sa.Integer(), nullable=False),
    sa.Column('other_fen', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('goal_text', sa.Text(), nullable=False),
    sa.Column('source_unit', sa.String(length=8), nullable=False),
    sa.Column('heading', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_projects_budget_nonnegative')),
    sa.CheckConstraint('fiscal_fen >= 0 AND other_fen >= 0', name=op.f('ck_projects_sources_nonnegative')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_projects_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('year', 'code', name=op.f('uq_projects_year_code'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_year'), ['year'], unique=False)

    op.create_table('target_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_target_imports_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_imports'))
    )
    with op.batch_alter_table('target_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_imports_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_imports_year'), ['year'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('session_generation', sa.Integer(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_users_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_org_id'), ['org_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('request_id', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_audit_events_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_org_id'), ['org_id'], unique=False)

    op.create_table('award_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_award_events_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_award_events_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_events')),
    sa.UniqueConstraint('project_id', 'name', name=op.f('uq_award_events_project_id_name'))
    )
    with op.batch_alter_table('award_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_events_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_events_project_id'), ['project_id'], unique=False)

    op.create_table('budget_counters',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('reserved_fen', sa.Integer(), nullable=False),
    sa.Column('paid_fen', sa.Integer(), nullable=False),
    sa.Column('cap_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint('reserved_fen + paid_fen <= cap_fen', name=op.f('ck_budget_counters_within_cap')),
    sa.CheckConstraint('reserved_fen >= 0 AND paid_fen >= 0', name=op.f('ck_budget_counters_nonnegative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_budget_counters_project_id_projects')),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_budget_counters'))
    )
    op.create_table('hardship_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.String(length=20), nullable=False),
    sa.Column('hukou_type', sa.String(length=10), nullable=False),
    sa.Column('marital_status', sa.String(length=10), nullable=False),
    sa.Column('health_status', sa.String(length=10), nullable=False),
    sa.Column('disability', sa.String(length=10), nullable=False),
    sa.Column('own_income_fen', sa.Integer(), nullable=False),
    sa.Column('family_size', sa.Integer(), nullable=False),
    sa.Column('family_income_fen', sa.Integer(), nullable=False),
    sa.Column('per_capita_income_fen', sa.Integer(), nullable=False),
    sa.Column('housing', sa.String(length=20), nullable=False),
    sa.Column('is_zero_employment', sa.Boolean(), nullable=False),
    sa.Column('is_single_parent', sa.Boolean(), nullable=False),
    sa.Column('medical_insurance', sa.String(length=10), nullable=False),
    sa.Column('is_dibao', sa.Boolean(), nullable=False),
    sa.Column('suggested_category', sa.String(length=10), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=True),
    sa.Column('category_reason', sa.Text(), nullable=True),
    sa.Column('main_cause', sa.String(length=10), nullable=False),
    sa.Column('secondary_causes', sa.JSON(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=10), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IS NULL OR category IN ('深度困难','相对困难','意外致困')", name=op.f('ck_hardship_files_category')),
    sa.CheckConstraint("close_reason IS NULL OR close_reason IN ('解困','死亡','识别不准','转政府兜底','其他')", name=op.f('ck_hardship_files_close_reason')),
    sa.CheckConstraint("main_cause IN ('因病','因残','因学','因灾','失业/下岗','单亲','工伤','其他')", name=op.f('ck_hardship_files_main_cause')),
    sa.CheckConstraint("status IN ('申请','在档','解困脱困','退档')", name=op.f('ck_hardship_files_status')),
    sa.CheckConstraint('family_size >= 1', name=op.f('ck_hardship_files_family_size_positive')),
    sa.CheckConstraint('own_income_fen >= 0 AND family_income_fen >= 0 AND per_capita_income_fen >= 0', name=op.f('ck_hardship_files_income_nonnegative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hardship_files_created_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_hardship_files_org_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_hardship_files_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_files'))
    )
    with op.batch_alter_table('hardship_files', schema=None) as batch_op:
        batch_op.create_index('ix_hardship_files_category', ['category', 'id'], unique=False)
        batch_op.create_index('ix_hardship_files_org_status', ['org_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_files_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_hardship_files_review_due', ['review_due'], unique=False)
        batch_op.create_index('uq_hardship_files_open_person', ['person_id'], unique=True, sqlite_where=sa.text("status IN ('申请','在档')"), postgresql_where=sa.text("status IN ('申请','在档')"))

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level1', sa.String(length=40), nullable=False),
    sa.Column('level2', sa.String(length=60), nullable=False),
    sa.Column('level3', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target_text', sa.Text(), nullable=False),
    sa.Column('direction', sa.String(length=12), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('target_parts', sa.JSON(), nullable=True),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.CheckConstraint("direction IN ('>=','<=','=','qualitative','date')", name=op.f('ck_indicators_direction')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_indicators_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_project_id'), ['project_id'], unique=False)

    op.create_table('model_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('year_awarded', sa.Integer(), nullable=False),
    sa.Column('awarded_by', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('is_hardship', sa.Boolean(), nullable=False),
    sa.Column('hardship_reason', sa.Text(), nullable=False),
    sa.Column('is_allowance_paid', sa.Boolean(), nullable=False),
    sa.Column('allowance_monthly_fen', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('全国','省部级','市级','县级')", name=op.f('ck_model_workers_level')),
    sa.CheckConstraint("status IN ('在职','退休','去世')", name=op.f('ck_model_workers_status')),
    sa.CheckConstraint('allowance_monthly_fen >= 0', name=op.f('ck_model_workers_allowance_nonnegative')),
    sa.CheckConstraint('year_awarded BETWEEN 1950 AND 2100', name=op.f('ck_model_workers_year_range')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_model_workers_org_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_model_workers_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_workers')),
    sa.UniqueConstraint('person_id', 'level', 'title', 'year_awarded', name=op.f('uq_model_workers_person_id_level_title_year_awarded'))
    )
    with op.batch_alter_table('model_workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_workers_is_hardship'), ['is_hardship'], unique=False)
        batch_op.create_index(batch_op.f('ix_model_workers_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_model_workers_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_model_workers_person_id'), ['person_id'], unique=False)

    op.create_table('person_aid_counters',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('aid_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('used_fen', sa.Integer(), nullable=False),
    sa.Column('cap_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint('used_fen >= 0 AND used_fen <= cap_fen', name=op.f('ck_person_aid_counters_within_cap')),
    sa.ForeignKeyConstraint(['aid_type_id'], ['aid_types.id'], name=op.f('fk_person_aid_counters_aid_type_id_aid_types')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_aid_counters_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', 'aid_type_id', 'year', name=op.f('pk_person_aid_counters'))
    )
    op.create_table('reminder_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending','sent','dead','empty')", name=op.f('ck_reminder_digests_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_reminder_digests_attempts_nonnegative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_digests')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_reminder_digests_user_id_day'))
    )
    with op.batch_alter_table('reminder_digests', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_digests_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_digests_user_id'), ['user_id'], unique=False)

    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('section_title', sa.String(length=200), nullable=False),
    sa.Column('deadline_kind', sa.String(length=16), nullable=True),
    sa.Column('deadline_month', sa.Integer(), nullable=True),
    sa.Column('deadline_day', sa.Integer(), nullable=True),
    sa.Column('festival', sa.String(length=16), nullable=True),
    sa.Column('festival_before', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('headcount_cap','per_person_amount','deadline','rate_target')", name=op.f('ck_rules_kind')),
    sa.CheckConstraint("status IN ('proposed','confirmed','rejected')", name=op.f('ck_rules_status')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_rules_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_rules_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules'))
    )
    with op.batch_alter_table('rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rules_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rules_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rules_year'), ['year'], unique=False)

    op.create_table('spending_plan_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_spending_plan_points_month_range')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_spending_plan_points_percent_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_spending_plan_points_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_plan_points')),
    sa.UniqueConstraint('project_id', 'month', name=op.f('uq_spending_plan_points_project_id_month'))
    )
    with op.batch_alter_table('spending_plan_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_plan_points_project_id'), ['project_id'], unique=False)

    op.create_table('user_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('caseworker','reviewer','leader','finance','admin','auditor')", name=op.f('ck_user_roles_role')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_roles')),
    sa.UniqueConstraint('user_id', 'role', name=op.f('uq_user_roles_user_id_role'))
    )
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_roles_user_id'), ['user_id'], unique=False)

    op.create_table('award_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('max_count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('individual','collective')", name=op.f('ck_award_categories_kind')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_award_categories_amount_nonnegative')),
    sa.CheckConstraint('max_count >= 0', name=op.f('ck_award_categories_max_count_nonnegative')),
    sa.ForeignKeyConstraint(['event_id'], ['award_events.id'], name=op.f('fk_award_categories_event_id_award_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_categories')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_award_categories_event_id_name')),
    sa.UniqueConstraint('id', 'event_id', 'kind', name='uq_award_categories_id_event_kind')
    )
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_categories_event_id'), ['event_id'], unique=False)

    op.create_table('deadline_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('award_event_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('day', sa.Integer(), nullable=True),
    sa.Column('festival', sa.String(length=16), nullable=True),
    sa.Column('festival_before', sa.String(length=16), nullable=False),
    sa.Column('base_date', sa.Date(), nullable=True),
    sa.Column('workdays', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("festival IS NULL OR festival IN ('spring','labour_day')", name=op.f('ck_deadline_rules_festival')),
    sa.CheckConstraint("festival_before IN ('day','eve','holiday_start')", name=op.f('ck_deadline_rules_festival_before')),
    sa.CheckConstraint("kind <> 'workdays' OR (base_date IS NOT NULL AND workdays IS NOT NULL)", name=op.f('ck_deadline_rules_workdays_complete')),
    sa.CheckConstraint("kind IN ('fixed','month_end','festival','workdays')", name=op.f('ck_deadline_rules_kind')),
    sa.CheckConstraint('day IS NULL OR day BETWEEN 1 AND 31', name=op.f('ck_deadline_rules_day_range')),
    sa.CheckConstraint('month IS NULL OR month BETWEEN 1 AND 12', name=op.f('ck_deadline_rules_month_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_deadline_rules_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_deadline_rules_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_deadline_rules_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rules'))
    )
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_rules_award_event_id'), ['award_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_rules_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_rules_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_rules_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_rules_year'), ['year'], unique=False)

    op.create_table('family_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_masked', sa.String(length=24), nullable=True),
    sa.Column('income_fen', sa.Integer(), nullable=False),
    sa.Column('health', sa.String(length=20), nullable=False),
    sa.Column('school_or_work', sa.String(length=200), nullable=False),
    sa.CheckConstraint('income_fen >= 0', name=op.f('ck_family_members_income_nonnegative')),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_family_members_file_id_hardship_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_members'))
    )
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_members_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_members_id_hash'), ['id_hash'], unique=False)

    op.create_table('file_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=10), nullable=True),
    sa.Column('to_status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_file_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_file_status_changes_file_id_hardship_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_status_changes'))
    )
    with op.batch_alter_table('file_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_status_changes_file_id'), ['file_id'], unique=False)

    op.create_table('indicator_manual_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=False),
    sa.Column('actual_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('achieved', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_manual_values_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_indicator_manual_values_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_manual_values'))
    )
    with op.batch_alter_table('indicator_manual_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_manual_values_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_manual_values_org_id'), ['org_id'], unique=False)

    op.create_table('indicator_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rollup_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('actual_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('actual_text', sa.Text(), nullable=False),
    sa.Column('achieved', sa.Boolean(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_snapshots_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rollup_id'], ['indicator_rollups.id'], name=op.f('fk_indicator_snapshots_rollup_id_indicator_rollups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_snapshots'))
    )
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_snapshots_indicator_rollup', ['indicator_id', 'rollup_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_snapshots_rollup_id'), ['rollup_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('subject_key', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('project_code', sa.String(length=40), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['digest_id'], ['reminder_digests.id'], name=op.f('fk_reminders_digest_id_reminder_digests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_reminders_project_id_projects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('source_key', 'subject_key', 'due_on', 'offset_days', 'user_id', name=op.f('uq_reminders_source_key_subject_key_due_on_offset_days_user_id'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index('ix_reminders_user_digest', ['user_id', 'digest_id'], unique=False)

    op.create_table('award_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('collective_org_id', sa.Integer(), nullable=True),
    sa.Column('collective_name', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.Text(), nullable=True),
    sa.Column('contact_phone_masked', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'individual' AND person_id IS NOT NULL AND collective_name IS NULL AND collective_org_id IS NULL) OR (kind = 'collective' AND person_id IS NULL AND collective_name IS NOT NULL)", name=op.f('ck_award_recipients_person_or_collective')),
    sa.CheckConstraint("status IN ('提名','确定','撤销')", name=op.f('ck_award_recipients_status')),
    sa.ForeignKeyConstraint(['category_id', 'event_id', 'kind'], ['award_categories.id', 'award_categories.event_id', 'award_categories.kind'], name='fk_award_recipients_category_event_kind'),
    sa.ForeignKeyConstraint(['collective_org_id'], ['organisations.id'], name=op.f('fk_award_recipients_collective_org_id_organisations')),
    sa.ForeignKeyConstraint(['event_id'], ['award_events.id'], name=op.f('fk_award_recipients_event_id_award_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_award_recipients_nominated_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_award_recipients_org_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_award_recipients_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_recipients')),
    sa.UniqueConstraint('event_id', 'collective_name', name=op.f('uq_award_recipients_event_id_collective_name')),
    sa.UniqueConstraint('event_id', 'person_id', name=op.f('uq_award_recipients_event_id_person_id'))
    )
    with op.batch_alter_table('award_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_recipients_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_recipients_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_recipients_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_recipients_person_id'), ['person_id'], unique=False)

    op.create_table('category_counters',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=False),
    sa.CheckConstraint('used >= 0 AND used <= cap', name=op.f('ck_category_counters_within_cap')),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'], name=op.f('fk_category_counters_category_id_award_categories')),
    sa.PrimaryKeyConstraint('category_id', name=op.f('pk_category_counters'))
    )
    op.create_table('award_recipient_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=4), nullable=True),
    sa.Column('to_status', sa.String(length=4), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['award_recipients.id'], name=op.f('fk_award_recipient_statuses_recipient_id_award_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_recipient_statuses'))
    )
    with op.batch_alter_table('award_recipient_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_recipient_statuses_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('payment_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('aid_type_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('award_recipient_id', sa.Integer(), nullable=True),
    sa.Column('award_event_id', sa.Integer(), nullable=True),
    sa.Column('award_category_id', sa.Integer(), nullable=True),
    sa.Column('recipient_key', sa.String(length=24), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_name', sa.String(length=100), nullable=False),
    sa.Column('reviewed_by_name', sa.String(length=100), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('publicity_start', sa.Date(), nullable=True),
    sa.Column('publicity_end', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('bank_batch', sa.String(length=60), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('登记','已审核','已批准','公示中','已发放','已到账','已退回','已驳回','已撤销','已冲正')", name=op.f('ck_payment_items_status')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_items_amount_positive')),
    sa.CheckConstraint('person_id IS NOT NULL OR award_recipient_id IS NOT NULL', name=op.f('ck_payment_items_has_recipient')),
    sa.ForeignKeyConstraint(['aid_type_id'], ['aid_types.id'], name=op.f('fk_payment_items_aid_type_id_aid_types')),
    sa.ForeignKeyConstraint(['award_category_id'], ['award_categories.id'], name=op.f('fk_payment_items_award_category_id_award_categories')),
    sa.ForeignKeyConstraint(['award_event_id'], ['award_events.id'], name=op.f('fk_payment_items_award_event_id_award_events')),
    sa.ForeignKeyConstraint(['award_recipient_id'], ['award_recipients.id'], name=op.f('fk_payment_items_award_recipient_id_award_recipients')),
    sa.ForeignKeyConstraint(['meeting_id'], ['payment_meetings.id'], name=op.f('fk_payment_items_meeting_id_payment_meetings')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_payment_items_org_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_payment_items_person_id_persons')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_payment_items_project_id_projects')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_payment_items_registered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_items'))
    )
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_items_award_category_id'), ['award_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_items_award_recipient_id'), ['award_recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_items_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_items_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_payment_items_project_status', ['project_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_items_status'), ['status'], unique=False)
        batch_op.create_index('uq_payment_items_live_award', ['award_event_id', 'recipient_key'], unique=True, sqlite_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND award_event_id IS NOT NULL"), postgresql_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND award_event_id IS NOT NULL"))
        batch_op.create_index('uq_payment_items_live_period', ['person_id', 'project_id', 'aid_type_id', 'period'], unique=True, sqlite_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND person_id IS NOT NULL"), postgresql_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND person_id IS NOT NULL"))

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('aid_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('bank_batch', sa.String(length=60), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = '发放' AND amount_fen > 0 AND reverses_id IS NULL) OR (kind <> '发放' AND amount_fen < 0 AND reverses_id IS NOT NULL)", name=op.f('ck_ledger_entries_sign')),
    sa.CheckConstraint("kind IN ('发放','冲正','退回')", name=op.f('ck_ledger_entries_kind')),
    sa.ForeignKeyConstraint(['aid_type_id'], ['aid_types.id'], name=op.f('fk_ledger_entries_aid_type_id_aid_types')),
    sa.ForeignKeyConstraint(['item_id'], ['payment_items.id'], name=op.f('fk_ledger_entries_item_id_payment_items')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_ledger_entries_person_id_persons')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_ledger_entries_project_id_projects')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entries_reverses_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_year'), ['year'], unique=False)
        batch_op.create_index('uq_ledger_entries_paid_item', ['item_id'], unique=True, sqlite_where=sa.text("kind = '发放'"), postgresql_where=sa.text("kind = '发放'"))

    op.create_table('payment_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=8), nullable=True),
    sa.Column('to_status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['payment_items.id'], name=op.f('fk_payment_events_item_id_payment_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_events'))
    )
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_events_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_events_item_id'), ['item_id'], unique=False)

    op.create_table('payment_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.CheckConstraint("status IN ('open','dismissed','upheld')", name=op.f('ck_payment_objections_status')),
    sa.ForeignKeyConstraint(['item_id'], ['payment_items.id'], name=op.f('fk_payment_objections_item_id_payment_items')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_payment_objections_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_objections'))
    )
    with op.batch_alter_table('payment_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_objections_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_objections_org_id'), ['org_id'], unique=False)

    # ### end Alembic commands ###
    for stmt in TRIGGERS[op.get_bind().dialect.name]:
        op.execute(stmt)


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('payment_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_objections_org_id'))
        batch_op.drop_index(batch_op.f('ix_payment_objections_item_id'))

    op.drop_table('payment_objections')
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_events_item_id'))
        batch_op.drop_index(batch_op.f('ix_payment_events_batch'))

    op.drop_table('payment_events')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_ledger_entries_paid_item', sqlite_where=sa.text("kind = '发放'"), postgresql_where=sa.text("kind = '发放'"))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_year'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_project_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_item_id'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_items_live_period', sqlite_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND person_id IS NOT NULL"), postgresql_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND person_id IS NOT NULL"))
        batch_op.drop_index('uq_payment_items_live_award', sqlite_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND award_event_id IS NOT NULL"), postgresql_where=sa.text("status IN ('登记','已审核','已批准','公示中','已发放','已到账') AND award_event_id IS NOT NULL"))
        batch_op.drop_index(batch_op.f('ix_payment_items_status'))
        batch_op.drop_index('ix_payment_items_project_status')
        batch_op.drop_index(batch_op.f('ix_payment_items_person_id'))
        batch_op.drop_index(batch_op.f('ix_payment_items_org_id'))
        batch_op.drop_index(batch_op.f('ix_payment_items_award_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_payment_items_award_category_id'))

    op.drop_table('payment_items')
    with op.batch_alter_table('award_recipient_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_recipient_statuses_recipient_id'))

    op.drop_table('award_recipient_statuses')
    op.drop_table('category_counters')
    with op.batch_alter_table('award_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_recipients_person_id'))
        batch_op.drop_index(batch_op.f('ix_award_recipients_org_id'))
        batch_op.drop_index(batch_op.f('ix_award_recipients_event_id'))
        batch_op.drop_index(batch_op.f('ix_award_recipients_category_id'))

    op.drop_table('award_recipients')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_user_digest')
        batch_op.drop_index(batch_op.f('ix_reminders_digest_id'))

    op.drop_table('reminders')
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_snapshots_rollup_id'))
        batch_op.drop_index('ix_indicator_snapshots_indicator_rollup')

    op.drop_table('indicator_snapshots')
    with op.batch_alter_table('indicator_manual_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_manual_values_org_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_manual_values_indicator_id'))

    op.drop_table('indicator_manual_values')
    with op.batch_alter_table('file_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_status_changes_file_id'))

    op.drop_table('file_status_changes')
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_members_id_hash'))
        batch_op.drop_index(batch_op.f('ix_family_members_file_id'))

    op.drop_table('family_members')
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_rules_year'))
        batch_op.drop_index(batch_op.f('ix_deadline_rules_project_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_rules_org_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_rules_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_rules_award_event_id'))

    op.drop_table('deadline_rules')
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_categories_event_id'))

    op.drop_table('award_categories')
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_roles_user_id'))

    op.drop_table('user_roles')
    with op.batch_alter_table('spending_plan_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_plan_points_project_id'))

    op.drop_table('spending_plan_points')
    with op.batch_alter_table('rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rules_year'))
        batch_op.drop_index(batch_op.f('ix_rules_project_id'))
        batch_op.drop_index(batch_op.f('ix_rules_org_id'))

    op.drop_table('rules')
    with op.batch_alter_table('reminder_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_digests_user_id'))
        batch_op.drop_index('ix_reminder_digests_due')

    op.drop_table('reminder_digests')
    op.drop_table('person_aid_counters')
    with op.batch_alter_table('model_workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_workers_person_id'))
        batch_op.drop_index(batch_op.f('ix_model_workers_org_id'))
        batch_op.drop_index(batch_op.f('ix_model_workers_level'))
        batch_op.drop_index(batch_op.f('ix_model_workers_is_hardship'))

    op.drop_table('model_workers')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_project_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('hardship_files', schema=None) as batch_op:
        batch_op.drop_index('uq_hardship_files_open_person', sqlite_where=sa.text("status IN ('申请','在档')"), postgresql_where=sa.text("status IN ('申请','在档')"))
        batch_op.drop_index('ix_hardship_files_review_due')
        batch_op.drop_index(batch_op.f('ix_hardship_files_person_id'))
        batch_op.drop_index('ix_hardship_files_org_status')
        batch_op.drop_index('ix_hardship_files_category')

    op.drop_table('hardship_files')
    op.drop_table('budget_counters')
    with op.batch_alter_table('award_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_events_project_id'))
        batch_op.drop_index(batch_op.f('ix_award_events_org_id'))

    op.drop_table('award_events')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_org_id'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_org_id'))

    op.drop_table('users')
    with op.batch_alter_table('target_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_imports_year'))
        batch_op.drop_index(batch_op.f('ix_target_imports_org_id'))

    op.drop_table('target_imports')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_year'))
        batch_op.drop_index(batch_op.f('ix_projects_org_id'))

    op.drop_table('projects')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_org_id'))
        batch_op.drop_index(batch_op.f('ix_persons_name'))

    op.drop_table('persons')
    with op.batch_alter_table('payment_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_meetings_org_id'))

    op.drop_table('payment_meetings')
    op.drop_table('hardship_thresholds')
    op.drop_table('aid_caps')
    op.drop_table('scheduler_heartbeats')
    op.drop_table('payment_settings')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_path'))
        batch_op.drop_index(batch_op.f('ix_organisations_parent_id'))

    op.drop_table('organisations')
    op.drop_table('login_throttles')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_name_started')

    op.drop_table('job_runs')
    op.drop_table('job_leases')
    with op.batch_alter_table('indicator_rollups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_rollups_year'))

    op.drop_table('indicator_rollups')
    op.drop_table('idempotency_keys')
    op.drop_table('holiday_overrides')
    with op.batch_alter_table('benefit_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_rules_year'))

    op.drop_table('benefit_rules')
    op.drop_table('aid_types')
    # ### end Alembic commands ###
