"""Province-scale data for the benchmarks: 100 counties, 500 projects, 300,000 files, 1,000,000 payments.

The rows are generated inside PostgreSQL with ``generate_series`` (INSERT … SELECT), so building them takes
seconds rather than the hours an ORM loop would. Personal data is realistic in shape: every person has a
distinct valid-looking keyed hash, a masked 身份证号, and one real Fernet token (the same ciphertext for
everybody: list pages and roll-ups never decrypt, and encrypting 300,000 values would only time Fernet).

Used by every benchmark on province data (``fill``, ``province_app``); see bench/README.md.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchdb import throwaway_database  # noqa: E402,F401  (re-exported for the benchmarks)
from sqlalchemy import text  # noqa: E402


@dataclass
class Scale:
    counties: int = 100
    townships_per_county: int = 10
    projects_per_county: int = 5
    files: int = 300_000
    payments: int = 1_000_000
    year: int = 2025
    #: the day the data stands at: items registered in the 40 days before it are still in process
    today: date = date(2025, 6, 25)


def to_sqlite(pg_uri: str, path: str) -> str:
    """Copy the built province from PostgreSQL into a new SQLite file (schema from the models, the same rows):
    every benchmark on this data runs on SQLite too where it fits (1/10 size). Returns the SQLite URL."""
    from sqlalchemy import create_engine

    from caseapp.core.db import db

    source, target = create_engine(pg_uri), create_engine(f"sqlite:///{path}")
    db.metadata.create_all(target)
    with source.connect() as src, target.begin() as dst:
        dst.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in db.metadata.sorted_tables:
            result = src.execution_options(yield_per=20_000).execute(table.select())
            for part in result.partitions():
                dst.execute(table.insert(), [row._asdict() for row in part])
        dst.exec_driver_sql("ANALYZE")
    source.dispose()
    target.dispose()
    return f"sqlite:///{path}"


def make_app(uri: str, instance: str):
    """A testing-config app on ``uri`` with the schema created."""
    from caseapp import create_app
    from caseapp.core.db import db

    os.environ.setdefault("CASEAPP_INSTANCE", instance)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context():
        db.create_all()
    return app


def timed(label: str):
    """Print how long the block took."""

    class _T:
        def __enter__(self):
            self.t = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.t
            print(f"  {label:<46} {self.seconds:8.2f} s", flush=True)

    return _T()


#: the one 身份证号 whose Fernet token every generated person carries
SAMPLE_ID_NUMBER = "130434198001010011"


def fill(scale: Scale) -> None:
    """Build the province into the current app's empty schema, in its session's transaction (the caller commits)."""
    from caseapp.core.crypto import encrypt
    from caseapp.core.db import db

    build(db.session.connection(), scale, encrypt(SAMPLE_ID_NUMBER))


@contextmanager
def province_app(scale: Scale, *, sqlite: bool = False):
    """The app on a throw-away PostgreSQL database holding the province, or on a SQLite copy of it."""
    from caseapp.core.db import db

    with throwaway_database() as uri, tempfile.TemporaryDirectory() as inst:
        app = make_app(uri, inst)
        with app.app_context():
            print(f"province: {scale.counties} counties, files {scale.files:,}, payments {scale.payments:,}")
            fill(scale)
            db.session.commit()
            db.engine.dispose()
        yield make_app(to_sqlite(uri, f"{inst}/province.sqlite"), inst) if sqlite else app


def build(conn, scale: Scale, token: str) -> None:
    """Fill an empty schema with a province's worth of data."""
    steps = [_orgs, _projects, _indicators, _persons, _files, _aid_types, _payments, _in_process, _ledger, _counters,
             _caps, _users, _analyze]
    for step in steps:
        with timed(f"build {step.__name__.strip('_')}"):
            step(conn, scale, token)


def _orgs(conn, s: Scale, _t) -> None:
    conn.execute(text("INSERT INTO organisations (id, code, name, level, parent_id, path, created_at) "
                      "VALUES (1, '130000', '河北省总工会', 'county', NULL, '/1/', now())"))
    conn.execute(text("""
        INSERT INTO organisations (id, code, name, level, parent_id, path, created_at)
        SELECT 1 + c, '13' || lpad(c::text, 4, '0'), '第' || c || '县总工会', 'township', 1, '/1/' || (1 + c) || '/', now()
        FROM generate_series(1, :n) c"""), {"n": s.counties})
    conn.execute(text("""
        INSERT INTO organisations (id, code, name, level, parent_id, path, created_at)
        SELECT 1000 + c * 100 + t, '13' || lpad(c::text, 4, '0') || lpad(t::text, 2, '0'),
               '第' || c || '县第' || t || '镇工会', 'grassroots', 1 + c,
               '/1/' || (1 + c) || '/' || (1000 + c * 100 + t) || '/', now()
        FROM generate_series(1, :n) c, generate_series(1, :t) t"""), {"n": s.counties, "t": s.townships_per_county})


def _projects(conn, s: Scale, _t) -> None:
    conn.execute(text("""
        INSERT INTO projects (year, code, name, org_id, budget_fen, fiscal_fen, other_fen, purpose, goal_text,
                              source_unit, heading, created_at, updated_at)
        SELECT :y, 'P' || lpad(c::text, 4, '0') || '-' || k, '第' || c || '县帮扶救助项目' || k, 1 + c,
               500000000, 500000000, 0, '救助在档困难职工', '春节前完成救助', '万元', '', now(), now()
        FROM generate_series(1, :n) c, generate_series(1, :k) k"""),
                 {"y": s.year, "n": s.counties, "k": s.projects_per_county})
    conn.execute(text("""
        INSERT INTO spending_plan_points (project_id, month, percent)
        SELECT p.id, m.month, m.pct FROM projects p,
               (VALUES (3, 25), (6, 50), (10, 75), (12, 100)) AS m(month, pct)"""))


def _indicators(conn, s: Scale, _t) -> None:
    conn.execute(text("""
        INSERT INTO indicators (project_id, position, level1, level2, level3, description, target_text,
                                direction, target_value, unit, basis, metric)
        SELECT p.id, i.pos, i.l1, i.l2, i.l3, i.l3, i.target, i.dir, i.val, i.unit, '', i.metric
        FROM projects p, (VALUES
          (1, '产出指标', '数量指标', '救助人数', '600人', '=', 600, '人', 'people_paid'),
          (2, '产出指标', '质量指标', '救助率', '100%', '=', 100, '%', 'coverage_rate'),
          (3, '产出指标', '时效指标', '救助时效', '6月30日前完成', 'date', NULL, NULL, 'on_time_share'),
          (4, '产出指标', '成本指标', '救助总成本', '500万元', '=', 500, '万元', 'total_paid'),
          (5, '效益指标', '社会效益指标', '社会稳定', '缓解职工困难', 'qualitative', NULL, NULL, 'manual'),
          (6, '产出指标', '数量指标', '举办次数', '1次', '=', 1, '次', 'events_held'),
          (7, '满意度指标', '服务对象满意度指标', '满意率', '≥95%', '>=', 95, '%', 'satisfaction_rate')
        ) AS i(pos, l1, l2, l3, target, dir, val, unit, metric)"""))
    conn.execute(text("""
        INSERT INTO deadline_rules (year, org_id, project_id, kind, month, day, festival_before, subject,
                                    source_text, is_active, created_at)
        SELECT :y, p.org_id, p.id, 'fixed', 6, 30, 'day', '6月30日前发放到位', '在6月30日前发放到位', true, now()
        FROM projects p""") if _has_table(conn, "deadline_rules") else text("SELECT 1"), {"y": s.year})


def _has_table(conn, name: str) -> bool:
    return bool(conn.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar())


def _persons(conn, s: Scale, token: str) -> None:
    conn.execute(text("""
        INSERT INTO persons (id, org_id, name, id_number, id_hash, id_masked, sex, birth_date, ethnicity,
                             work_unit, created_at, updated_at)
        SELECT g, 1000 + (1 + g % :c) * 100 + 1 + (g / :c) % :t, '职工' || g, :tok, md5(g::text) || md5('x' || g),
               '1304**********' || lpad((g % 10000)::text, 4, '0'), CASE WHEN g % 2 = 0 THEN '女' ELSE '男' END,
               date '1960-01-01' + (g % 12000), '汉族', '某某有限公司', now(), now()
        FROM generate_series(1, :n) g"""),
                 {"n": s.files, "c": s.counties, "t": s.townships_per_county, "tok": token})


#: the share of files in each status, per 20 (every county and township has files in every status)
_STATUS_SQL = """CASE WHEN b < 2 THEN '申请' WHEN b < 16 THEN '在档' WHEN b < 18 THEN '解困脱困' ELSE '退档' END"""


def _files(conn, s: Scale, _t) -> None:
    # b: a hash of the person id, independent of the county and township the id also decides, so that every
    # organisation holds files of every status and category (a single status per county made the county case
    # list floor time an empty result)
    conn.execute(text(f"""
        INSERT INTO hardship_files (person_id, org_id, unit_type, hukou_type, marital_status, health_status,
            disability, own_income_fen, family_size, family_income_fen, per_capita_income_fen, housing,
            is_zero_employment, is_single_parent, medical_insurance, is_dibao, suggested_category, category,
            main_cause, secondary_causes, needs, status, applied_on, filed_on, closed_on, close_reason,
            review_due, created_at, updated_at)
        SELECT p.id, p.org_id, '企业', '城镇', '已婚', '一般', '无', 100000 + h % 50000, 1 + h % 5,
               300000 + h % 100000, (300000 + h % 100000) / (1 + h % 5), '自有',
               h % 13 = 0, h % 17 = 0, '职工医保', h % 7 = 0,
               CASE WHEN h % 3 = 0 THEN '深度困难' ELSE '相对困难' END,
               (ARRAY['深度困难','相对困难','意外致困'])[1 + (h / 7) % 3],
               (ARRAY['因病','因残','因学','因灾','失业/下岗','单亲','工伤','其他'])[1 + (h / 3) % 8], '[]', '[]',
               {_STATUS_SQL},
               date '2023-09-01' + h % 600,
               CASE WHEN b < 2 THEN NULL ELSE date '2024-06-01' + h % 300 END,
               CASE WHEN b >= 16 THEN date '2025-03-01' + h % 200 END,
               CASE WHEN b >= 18 THEN '其他' WHEN b >= 16 THEN '解困' END,
               CASE WHEN b >= 2 AND b < 16 THEN date '{s.year}-01-01' + h % 365 END, now(), now()
        FROM (SELECT id, org_id, abs(hashtext('f' || id)) AS h, abs(hashtext('s' || id)) % 20 AS b
              FROM persons) p"""))


def _aid_types(conn, _s, _t) -> None:
    conn.execute(text("""
        INSERT INTO aid_types (name, kind, is_active) VALUES ('生活救助', 'hardship', true),
        ('医疗救助', 'hardship', true), ('助学', 'hardship', true), ('慰问', 'general', true),
        ('劳模帮扶', 'modelworker', true), ('表彰奖励', 'award', true)
        ON CONFLICT DO NOTHING"""))


def _payments(conn, s: Scale, _t) -> None:
    # each payment goes to a person of a county, from one of that county's projects
    conn.execute(text("""
        INSERT INTO payment_items (org_id, project_id, aid_type_id, person_id, recipient_key, recipient_name,
            amount_fen, year, period, reason, evidence, status, registered_by_name, registered_on, paid_on,
            bank_batch, created_at)
        SELECT pr.org_id, pr.id,
               (SELECT id FROM aid_types WHERE name = (ARRAY['生活救助', '医疗救助', '助学'])[1 + g % 3]),
               pe.id, 'p' || pe.id, pe.name, 50000 + (g % 20) * 10000, :y,
               :y || '-' || (g / :files), '帮扶救助', '', CASE WHEN g % 50 = 0 THEN '登记' ELSE '已发放' END, '经办人',
               date '2025-01-05' + (g % 300), CASE WHEN g % 50 = 0 THEN NULL ELSE date '2025-01-10' + (g % 300) END,
               'B' || (g % 1000), now()
        FROM generate_series(1, :n) g
        JOIN persons pe ON pe.id = 1 + (g % :files)
        JOIN projects pr ON pr.code = 'P' || lpad((1 + (pe.id % :c))::text, 4, '0') || '-'
                                || (1 + abs(hashtext('k' || g)) % :k)"""),
                 {"n": s.payments, "files": s.files, "c": s.counties, "k": s.projects_per_county, "y": s.year})


def _ledger(conn, s: Scale, _t) -> None:
    conn.execute(text("""
        INSERT INTO ledger_entries (item_id, project_id, person_id, aid_type_id, year, amount_fen, kind,
                                    entry_date, bank_batch, created_by_name, created_at)
        SELECT id, project_id, person_id, aid_type_id, year, amount_fen, '发放', paid_on, bank_batch, '财务', now()
        FROM payment_items WHERE status = '已发放'"""))
    # one payment in two hundred was reversed later
    conn.execute(text("""
        INSERT INTO ledger_entries (item_id, project_id, person_id, aid_type_id, year, amount_fen, kind,
                                    entry_date, bank_batch, reverses_id, reason, created_by_name, created_at)
        SELECT item_id, project_id, person_id, aid_type_id, year, -amount_fen, '冲正', entry_date + 10,
               bank_batch, id, '错发', '财务', now()
        FROM ledger_entries WHERE kind = '发放' AND id % 200 = 0"""))


def _in_process(conn, s: Scale, _t) -> None:
    """One item in ten is still in process at ``s.today``, registered by the person's township on one of the
    40 days before (a hash of the item: registration day and township independent): 登记 for a week, 已审核 for
    five days, then 公示中 for seven days (ended ones wait for the bank batch). The daily scan reports them per
    township (waiting, 公示 ended) as issue 14's province did: 20,000+ findings at full size.
    (The paid-item guard is off for this one rewrite of generated rows: they were never paid.)"""
    conn.execute(text("ALTER TABLE payment_items DISABLE TRIGGER USER"))
    conn.execute(text("""
        UPDATE payment_items i SET org_id = pe.org_id, paid_on = NULL, bank_batch = NULL, registered_on = w.day,
               status = CASE WHEN :d - w.day < 7 THEN '登记' WHEN :d - w.day < 12 THEN '已审核' ELSE '公示中' END,
               publicity_start = CASE WHEN :d - w.day >= 12 THEN w.day + 12 END,
               publicity_end = CASE WHEN :d - w.day >= 12 THEN w.day + 19 END
        FROM persons pe, (SELECT id, :d - abs(hashtext('r' || id)) / 10 % 41 AS day FROM payment_items
                          WHERE abs(hashtext('r' || id)) % 10 = 0) w
        WHERE w.id = i.id AND pe.id = i.person_id"""), {"d": s.today})
    conn.execute(text("ALTER TABLE payment_items ENABLE TRIGGER USER"))


#: the yearly cap per person of each hardship aid type (生活救助, 医疗救助, 助学), in 分
AID_CAP_FEN = 1_000_000


def _caps(conn, _s, _t) -> None:
    """The hardship aid types are capped per person and year, and their counters hold every live item, as
    registration leaves them: a registration in a benchmark takes the per-person cap like any other."""
    conn.execute(text("""
        INSERT INTO aid_caps (aid_type_id, cap_fen) SELECT id, :cap FROM aid_types
        WHERE name IN ('生活救助', '医疗救助', '助学') ON CONFLICT DO NOTHING"""), {"cap": AID_CAP_FEN})
    conn.execute(text("""
        INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen)
        SELECT i.person_id, i.aid_type_id, i.year, sum(i.amount_fen), c.cap_fen
        FROM payment_items i JOIN aid_caps c ON c.aid_type_id = i.aid_type_id
        WHERE i.person_id IS NOT NULL AND i.status IN ('登记', '已审核', '已批准', '公示中', '已发放', '已到账')
        GROUP BY i.person_id, i.aid_type_id, i.year, c.cap_fen"""))


#: users of the province: who logs in and who the daily scan reminds (caseworkers and admins with e-mail)
USER_PASSWORD = "bench-password-1"


def _users(conn, s: Scale, _t) -> None:
    """A province admin and finance officer; per county an admin, a caseworker, a reviewer (with e-mail) and a
    finance officer (without); per township a caseworker, every tenth without e-mail: 1,402 users at full size."""
    from werkzeug.security import generate_password_hash

    conn.execute(text("""
        INSERT INTO users (username, display_name, email, password_hash, org_id, is_enabled, session_generation,
                           must_change_password, created_at)
        SELECT u.username, u.username, u.email, :pw, u.org_id, true, 1, false, now() FROM (
          SELECT 'province_' || r AS username, 'province_' || r || '@bench.example' AS email, 1 AS org_id
          FROM unnest(ARRAY['admin', 'finance']) r
          UNION ALL
          SELECT 'county' || c || '_' || r, CASE WHEN r <> 'finance' THEN 'county' || c || '_' || r || '@bench.example' END,
                 1 + c
          FROM generate_series(1, :c) c, unnest(ARRAY['admin', 'caseworker', 'reviewer', 'finance']) r
          UNION ALL
          SELECT 'town' || c || '_' || t || '_caseworker',
                 CASE WHEN t % 10 <> 0 THEN 'town' || c || '_' || t || '@bench.example' END, 1000 + c * 100 + t
          FROM generate_series(1, :c) c, generate_series(1, :t) t) u"""),
                 {"pw": generate_password_hash(USER_PASSWORD), "c": s.counties, "t": s.townships_per_county})
    conn.execute(text("""
        INSERT INTO user_roles (user_id, role)
        SELECT id, CASE WHEN username LIKE 'province_%' THEN split_part(username, '_', 2)
                        ELSE split_part(username, '_', array_length(string_to_array(username, '_'), 1)) END
        FROM users"""))


def _counters(conn, _s, _t) -> None:
    """The budget counters the caps keep (reserved: live unpaid items; paid: the ledger's net), as the app
    would have left them: pages read a project's spent and reserved money from them."""
    conn.execute(text("""
        INSERT INTO budget_counters (project_id, reserved_fen, paid_fen, cap_fen)
        SELECT p.id,
               COALESCE((SELECT sum(amount_fen) FROM payment_items i WHERE i.project_id = p.id
                         AND i.status IN ('登记', '已审核', '已批准', '公示中')), 0),
               COALESCE((SELECT sum(amount_fen) FROM ledger_entries l WHERE l.project_id = p.id), 0), p.budget_fen
        FROM projects p"""))


def _analyze(conn, _s, _t) -> None:
    conn.execute(text("ANALYZE"))
