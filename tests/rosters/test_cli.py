"""``caseapp template`` / ``import roster`` / ``export roster``: JSON shape and exit codes."""
import io
import json

import openpyxl
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.rosters.fakekind import ids, xlsx


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_json_and_exit_codes(app, fake_kind, org, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([["张三", n, "130434"] for n in ids(2)]))
    dry = _run(app, "import", "roster", "fake", str(good), "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["created"] == 2
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    done = _run(app, "import", "roster", "fake", str(good), "--json")
    assert (done.exit_code, json.loads(done.stdout)) == (0, {"rows": 2, "created": 2, "updated": 0, "errors": []})

    # last: a failed command rolls the test session back, organisation included
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["张三", ids(3)[2], "130434"], ["", "x", "130434"]]))
    result = _run(app, "import", "roster", "fake", str(bad), "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["rows"] == 2 and body["created"] == 0 and body["updated"] == 0
    assert {"row": 3, "column": "姓名", "message": "请填写姓名"} in body["errors"]
    assert "整个文件未导入" in result.stderr


def test_whole_file_error_and_unknown_kind_exit_1(app, fake_kind, org, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx([["张三"]], headers=["姓名"]))
    result = _run(app, "import", "roster", "fake", str(path), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["field"] == "file"
    assert _run(app, "import", "roster", "nope", str(path)).exit_code == 1


def test_template_and_export_commands(app, fake_kind, org, tmp_path):
    template = tmp_path / "t.xlsx"
    assert _run(app, "template", "fake", str(template)).exit_code == 0
    assert openpyxl.load_workbook(template).sheetnames[:2] == ["测试花名册", "填写说明"]
    number = ids(1)[0]
    data = tmp_path / "d.xlsx"
    data.write_bytes(xlsx([["张三", number, "130434"]]))
    assert _run(app, "import", "roster", "fake", str(data)).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert _run(app, "export", "roster", "fake", str(out)).exit_code == 0
    assert openpyxl.load_workbook(out).active["B2"].value.startswith("1304*")
    assert _run(app, "export", "roster", "fake", str(out), "--full").exit_code == 0
    assert openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active["B2"].value == number
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "roster.export_full")) == 1
    assert oct(out.stat().st_mode & 0o777) == "0o600"
