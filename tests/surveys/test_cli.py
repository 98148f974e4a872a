"""``caseapp surveys create|export|import|close`` with the JSON shapes of the issue."""
import json

from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from tests.surveys.helpers import fill_sheet, pay, people, read_sheet


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["surveys", *args])
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def test_create_export_import_close(app, world, tmp_path):
    pay(world.project, people(world.town_a, 60) + people(world.town_b, 40))
    db.session.commit()
    result, created = _run(app, "create", "--project", "P-AID", "--year", "2025", "--sample", "random",
                           "--strata", "township", "--seed", "77", "--json")
    assert result.exit_code == 0, result.output
    assert set(created) == {"id", "frame_size", "sample_size", "reserve_size", "seed", "strata"}
    assert (created["frame_size"], created["sample_size"], created["reserve_size"], created["seed"]) == (100, 80, 16, 77)
    assert created["strata"] == [{"name": "双井镇工会", "frame": 40, "sample": 32},
                                 {"name": "魏城镇工会", "frame": 60, "sample": 48}]
    sid = str(created["id"])
    sheet = tmp_path / "sheet.xlsx"
    assert _run(app, "export", sid, str(sheet))[0].exit_code == 0
    assert "****" in read_sheet(sheet.read_bytes())[1][0][4]
    full = tmp_path / "full.xlsx"
    assert _run(app, "export", sid, str(full), "--full-phones")[0].exit_code == 0
    assert db.session.scalar(select(AuditEvent.source).where(AuditEvent.action == "survey.export_full")) == "cli"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill_sheet(sheet.read_bytes(), {0: {"回访结果": "完成"}}))
    result, errors = _run(app, "import", sid, str(bad), "--json")
    assert result.exit_code == 1 and errors == {"errors": [{"row": 2, "column": "总体满意度",
                                                            "message": "回访结果为“完成”时必须填写总体满意度"}]}
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill_sheet(sheet.read_bytes(), {i: {"回访结果": "完成", "总体满意度": "满意" if i else "不满意"}
                                                    for i in range(20)}))
    result, imported = _run(app, "import", sid, str(good), "--json")
    assert result.exit_code == 0 and imported == {"answers": 20}

    result, closed = _run(app, "close", sid, "--json")
    assert result.exit_code == 0, result.output
    assert closed == {"completed": 20, "response_rate": 25.0, "satisfaction_rate": 95.0, "ci_low": 76.39,
                      "ci_high": 99.11, "rule": "binary"}


def test_create_refuses_a_bad_sample_argument(app, world):
    result, error = _run(app, "create", "--project", "P-AID", "--year", "2025", "--sample", "some", "--json")
    assert result.exit_code == 1 and error["field"] == "sample" and "n:N" in error["message"]
