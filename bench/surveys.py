"""Benchmark: a satisfaction survey drawing 10,000 people from a 300,000-person frame, and its call sheet.

    cd bench && DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test ../.venv/bin/python surveys.py [--frame N --n N]

Builds province.py's organisations, persons and case files in a throw-away database, gives everyone a phone
(one real Fernet token, masked numbers) and one 到账 item of a single project, then times
  (a) the floor of the draw: one GROUP BY over the project's 到账 items and random.sample in Python,
  (b) caseapp.surveys.services.create_survey: the frozen frame (300,000 member rows written), township strata,
      proportional allocation, the seeded draw of n and a 20% reserve,
  (c) the floor of the sheet: a bare openpyxl write-only workbook of the same rows (values only),
  (d) caseapp.surveys.callsheet.export_sheet: the masked call sheet with drop-downs and its two extra sheets.
Target: (b) under 30 s and (d) within 3x (c).
"""
from __future__ import annotations

import argparse
import io
import random
import resource
import tempfile
import time

import openpyxl
from province import Scale, _aid_types, _files, _orgs, _persons, make_app, throwaway_database
from sqlalchemy import text


def _settled(conn, frame: int) -> None:
    """One project of the province with one 到账 item per person, and a phone for everybody."""
    conn.execute(text("""
        INSERT INTO projects (year, code, name, org_id, budget_fen, fiscal_fen, other_fen, purpose, goal_text,
                              source_unit, heading, created_at, updated_at)
        VALUES (2025, 'P-SURVEY', '全省困难职工帮扶救助', 1, 2000000000, 2000000000, 0, '', '', '万元', '',
                now(), now())"""))
    conn.execute(text("""
        INSERT INTO payment_items (org_id, project_id, aid_type_id, person_id, recipient_key, recipient_name,
            amount_fen, year, period, reason, evidence, status, registered_by_name, registered_on, paid_on,
            settled_on, created_at)
        SELECT p.org_id, pr.id, 1 + p.id % 3, p.id, 'p' || p.id, p.name, 100000 + (p.id % 20) * 10000, 2025, '2025',
               '', '', '已到账', '经办人', date '2025-01-05', date '2025-01-20', date '2025-01-21', now()
        FROM persons p, projects pr WHERE pr.code = 'P-SURVEY' AND p.id <= :n"""), {"n": frame})
    conn.execute(text("ANALYZE"))


def _floor_draw(db, n: int) -> float:
    t = time.perf_counter()
    rows = db.session.execute(text(
        "SELECT recipient_key, min(person_id), sum(amount_fen), max(settled_on) FROM payment_items "
        "WHERE project_id = (SELECT id FROM projects WHERE code = 'P-SURVEY') AND status = '已到账' "
        "GROUP BY recipient_key")).all()
    random.Random(1).sample(sorted(rows), n)
    return time.perf_counter() - t


def _floor_sheet(rows: list[list]) -> float:
    t = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("回访表")
    for row in rows:
        ws.append(row)
    wb.save(io.BytesIO())
    return time.perf_counter() - t


def run(app, frame: int, n: int) -> None:
    from caseapp.budgets.models import Project
    from caseapp.core import context
    from caseapp.core.crypto import encrypt
    from caseapp.core.db import db
    from caseapp.surveys import callsheet
    from caseapp.surveys.services import SurveyParams, create_survey

    scale = Scale(files=frame)
    with app.app_context():
        context.set_principal(context.OPERATOR)
        conn = db.session.connection()
        for step in (_orgs, _persons, _files, _aid_types):
            step(conn, scale, encrypt("130434198001010011"))
        phone = encrypt("+8613900000000")
        conn.execute(text("UPDATE persons SET phone = :tok, "
                          "phone_masked = '139****' || lpad((id % 10000)::text, 4, '0')"), {"tok": phone})
        _settled(conn, frame)
        db.session.commit()
        project_id = db.session.scalar(text("SELECT id FROM projects WHERE code = 'P-SURVEY'"))
        print(f"frame: {frame:,} people paid (到账) in one project, strata: the {scale.counties} county unions; "
              f"drawing n = {n:,}")
        floor_draw = _floor_draw(db, n)
        t = time.perf_counter()
        survey = create_survey(SurveyParams(project_id, sampling="fixed", fixed_n=n, strata="township", seed=7))
        db.session.commit()
        draw_s = time.perf_counter() - t
        t = time.perf_counter()
        content = callsheet.export_sheet(survey)
        sheet_s = time.perf_counter() - t
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
                .iter_rows(min_row=2)]
        floor_sheet = _floor_sheet(rows)
        assert len(rows) == n and db.session.get(Project, project_id) is not None
        report(floor_draw, draw_s, floor_sheet, sheet_s, len(content), survey)


def report(floor_draw, draw_s, floor_sheet, sheet_s, size, survey) -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'measure':<58}{'seconds':>9}   target")
    print(f"{'(a) GROUP BY the 到账 items + random.sample (floor)':<58}{floor_draw:>9.2f}")
    print(f"{'(b) create_survey: frame of ' + format(survey.frame_size, ',') + ' stored, strata, draw + reserve':<58}"
          f"{draw_s:>9.2f}   < 30 s {'ok' if draw_s < 30 else 'MISSED'}  ({draw_s / floor_draw:.1f}x floor)")
    print(f"{'(c) bare openpyxl write-only of the same rows (floor)':<58}{floor_sheet:>9.2f}")
    ratio = sheet_s / floor_sheet
    print(f"{'(d) export_sheet: ' + format(survey.sample_size, ',') + ' rows, drop-downs, masked phones':<58}"
          f"{sheet_s:>9.2f}   ≤ 3x floor: {ratio:.2f}x {'ok' if ratio <= 3 else 'MISSED'}")
    print(f"call sheet {size / 1024:.0f} KiB, sample {survey.sample_size:,}, reserve {survey.reserve_size:,}, "
          f"peak RSS {rss:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frame", type=int, default=300_000)
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    with throwaway_database() as uri, tempfile.TemporaryDirectory() as inst:
        run(make_app(uri, inst), args.frame, args.n)


if __name__ == "__main__":
    main()
