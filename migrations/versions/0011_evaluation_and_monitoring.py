"""绩效自评 and 绩效运行监控: scoring settings, project and department evaluations, monitoring reports;
budget changes (年初预算数 vs 调整后, append-only) and the document's overall goals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:58:22.817568

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: budget_changes is append-only (caseapp.core.ddl), its triggers written out per engine
TRIGGERS = {
    'postgresql': [
        "CREATE OR REPLACE FUNCTION budget_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'budget_changes 是只增不改的表，禁止修改或删除' USING ERRCODE = 'P0001'; END; $$",
        'CREATE TRIGGER budget_changes_append_only_trg BEFORE UPDATE OR DELETE ON budget_changes FOR EACH ROW EXECUTE FUNCTION budget_changes_append_only()',
    ],
    'sqlite': [
        "CREATE TRIGGER budget_changes_no_update BEFORE UPDATE ON budget_changes BEGIN SELECT RAISE(ABORT, 'budget_changes 是只增不改的表，禁止修改或删除'); END",
        "CREATE TRIGGER budget_changes_no_delete BEFORE DELETE ON budget_changes BEGIN SELECT RAISE(ABORT, 'budget_changes 是只增不改的表，禁止修改或删除'); END",
    ],
}
DROP_TRIGGERS = {
    'postgresql': ['DROP TRIGGER IF EXISTS budget_changes_append_only_trg ON budget_changes',
                   'DROP FUNCTION IF EXISTS budget_changes_append_only()'],
    'sqlite': ['DROP TRIGGER IF EXISTS budget_changes_no_update', 'DROP TRIGGER IF EXISTS budget_changes_no_delete'],
}


def upgrade():
    op.create_table('document_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('overall','sub')", name=op.f('ck_document_goals_kind')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_document_goals_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_goals')),
    sa.UniqueConstraint('year', 'org_id', 'position', name=op.f('uq_document_goals_year_org_id_position'))
    )
    with op.batch_alter_table('document_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_goals_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_goals_year'), ['year'], unique=False)

    op.create_table('evaluation_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('weight_execution', sa.Integer(), nullable=False),
    sa.Column('weight_output', sa.Integer(), nullable=False),
    sa.Column('weight_benefit', sa.Integer(), nullable=False),
    sa.Column('weight_satisfaction', sa.Integer(), nullable=False),
    sa.Column('spread', sa.String(length=8), nullable=False),
    sa.Column('le_formula', sa.String(length=8), nullable=False),
    sa.Column('over_threshold_percent', sa.Integer(), nullable=False),
    sa.Column('qualitative_bands', sa.JSON(), nullable=False),
    sa.Column('grade_bands', sa.JSON(), nullable=False),
    sa.Column('light_green_gap', sa.Integer(), nullable=False),
    sa.Column('light_yellow_gap', sa.Integer(), nullable=False),
    sa.Column('monitoring_month', sa.Integer(), nullable=False),
    sa.Column('monitoring_due_month', sa.Integer(), nullable=False),
    sa.Column('monitoring_due_day', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("le_formula IN ('domain','ratio')", name=op.f('ck_evaluation_settings_le_formula')),
    sa.CheckConstraint("spread IN ('equal','custom')", name=op.f('ck_evaluation_settings_spread')),
    sa.CheckConstraint('light_green_gap >= 0 AND light_yellow_gap >= light_green_gap AND light_yellow_gap <= 100', name=op.f('ck_evaluation_settings_light_gaps')),
    sa.CheckConstraint('monitoring_month BETWEEN 1 AND 11 AND monitoring_due_month BETWEEN 1 AND 12 AND monitoring_due_day BETWEEN 1 AND 31', name=op.f('ck_evaluation_settings_monitoring_dates')),
    sa.CheckConstraint('over_threshold_percent BETWEEN 101 AND 1000', name=op.f('ck_evaluation_settings_over_threshold')),
    sa.CheckConstraint('weight_execution >= 0 AND weight_output >= 0 AND weight_benefit >= 0 AND weight_satisfaction >= 0 AND weight_execution + weight_output + weight_benefit + weight_satisfaction = 10000', name=op.f('ck_evaluation_settings_weights_sum')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_evaluation_settings_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_settings')),
    sa.UniqueConstraint('org_id', 'year', name=op.f('uq_evaluation_settings_org_id_year'))
    )
    with op.batch_alter_table('evaluation_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_settings_org_id'), ['org_id'], unique=False)

    op.create_table('budget_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('before_fen', sa.Integer(), nullable=False),
    sa.Column('after_fen', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('before_fen >= 0 AND after_fen >= 0', name=op.f('ck_budget_changes_nonnegative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_budget_changes_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_changes'))
    )
    with op.batch_alter_table('budget_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_changes_project_id'), ['project_id'], unique=False)
    for statement in TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)

    op.create_table('department_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=100), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft','submitted','approved','returned')", name=op.f('ck_department_evaluations_status')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_department_evaluations_org_id_organisations')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_department_evaluations_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_evaluations')),
    sa.UniqueConstraint('org_id', 'year', name=op.f('uq_department_evaluations_org_id_year'))
    )
    with op.batch_alter_table('department_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_evaluations_org_id'), ['org_id'], unique=False)

    op.create_table('monitoring_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('expected_spend_fen', sa.Integer(), nullable=True),
    sa.Column('spend_causes', sa.JSON(), nullable=False),
    sa.Column('spend_measures', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expected_spend_fen IS NULL OR expected_spend_fen >= 0', name=op.f('ck_monitoring_reports_expected_nonnegative')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_monitoring_reports_month_range')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_monitoring_reports_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_monitoring_reports_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_reports')),
    sa.UniqueConstraint('project_id', 'month', name=op.f('uq_monitoring_reports_project_id_month'))
    )
    with op.batch_alter_table('monitoring_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_reports_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_reports_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_reports_year'), ['year'], unique=False)

    op.create_table('project_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('overall_actual', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=100), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft','submitted','approved','returned')", name=op.f('ck_project_evaluations_status')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_project_evaluations_org_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_evaluations_project_id_projects')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_project_evaluations_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_evaluations')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_evaluations_project_id'))
    )
    with op.batch_alter_table('project_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_evaluations_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_evaluations_year'), ['year'], unique=False)

    op.create_table('department_goal_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target_text', sa.Text(), nullable=False),
    sa.Column('actual_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['department_evaluations.id'], name=op.f('fk_department_goal_results_evaluation_id_department_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_goal_results')),
    sa.UniqueConstraint('evaluation_id', 'position', name=op.f('uq_department_goal_results_evaluation_id_position'))
    )
    with op.batch_alter_table('department_goal_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_goal_results_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('evaluation_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('not_applicable', sa.Boolean(), nullable=False),
    sa.Column('na_reason', sa.Text(), nullable=False),
    sa.Column('band', sa.String(length=40), nullable=True),
    sa.Column('band_percent', sa.Numeric(precision=9, scale=4), nullable=True),
    sa.Column('override_text', sa.Text(), nullable=True),
    sa.Column('override_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('override_parts', sa.JSON(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('deviation_reason', sa.Text(), nullable=False),
    sa.Column('improvement', sa.Text(), nullable=False),
    sa.Column('weight_centi', sa.Integer(), nullable=True),
    sa.CheckConstraint('band_percent IS NULL OR band_percent BETWEEN 0 AND 100', name=op.f('ck_evaluation_items_band_percent')),
    sa.CheckConstraint('weight_centi IS NULL OR weight_centi BETWEEN 0 AND 10000', name=op.f('ck_evaluation_items_weight_range')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['project_evaluations.id'], name=op.f('fk_evaluation_items_evaluation_id_project_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_evaluation_items_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_items')),
    sa.UniqueConstraint('evaluation_id', 'indicator_id', name=op.f('uq_evaluation_items_evaluation_id_indicator_id'))
    )
    with op.batch_alter_table('evaluation_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_items_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_items_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('monitoring_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('expected_text', sa.Text(), nullable=False),
    sa.Column('likelihood', sa.String(length=8), nullable=True),
    sa.Column('causes', sa.JSON(), nullable=False),
    sa.Column('cause_note', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.CheckConstraint("likelihood IS NULL OR likelihood IN ('确定能','有可能','完全不可能')", name=op.f('ck_monitoring_items_likelihood')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_monitoring_items_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['monitoring_reports.id'], name=op.f('fk_monitoring_items_report_id_monitoring_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_items')),
    sa.UniqueConstraint('report_id', 'indicator_id', name=op.f('uq_monitoring_items_report_id_indicator_id'))
    )
    with op.batch_alter_table('monitoring_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_items_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_items_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('monitoring_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_items_report_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_items_indicator_id'))

    op.drop_table('monitoring_items')
    with op.batch_alter_table('evaluation_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_items_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_items_evaluation_id'))

    op.drop_table('evaluation_items')
    with op.batch_alter_table('department_goal_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_goal_results_evaluation_id'))

    op.drop_table('department_goal_results')
    with op.batch_alter_table('project_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_evaluations_year'))
        batch_op.drop_index(batch_op.f('ix_project_evaluations_org_id'))

    op.drop_table('project_evaluations')
    with op.batch_alter_table('monitoring_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_reports_year'))
        batch_op.drop_index(batch_op.f('ix_monitoring_reports_project_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_reports_org_id'))

    op.drop_table('monitoring_reports')
    with op.batch_alter_table('department_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_evaluations_org_id'))

    op.drop_table('department_evaluations')
    for statement in DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('budget_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_changes_project_id'))

    op.drop_table('budget_changes')
    with op.batch_alter_table('evaluation_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_settings_org_id'))

    op.drop_table('evaluation_settings')
    with op.batch_alter_table('document_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_goals_year'))
        batch_op.drop_index(batch_op.f('ix_document_goals_org_id'))

    op.drop_table('document_goals')
