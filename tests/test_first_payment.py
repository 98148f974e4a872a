"""The production README's steps, run as written, take an empty database to its first payment item."""
import re
import shlex
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from tests.conftest import make_app
from tests.xlsx import workbook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
AID_PROJECT = "13043425P00430010001H"  # 困难职工及劳模帮扶救助专项资金


def readme_steps() -> list[str]:
    """The ``caseapp …`` lines of the README's "From an empty database to the first payment", comments cut."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### From an empty database to the first payment", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.startswith("caseapp ")]


def _files(folder: Path) -> None:
    """The files the README names: the budget document, a 困难职工 roster and a payment list."""
    (folder / "2025年部门预算绩效文本.docx").write_bytes(SEED.read_bytes())
    people = [("王一", make_id_number(seq=11, sex=None)), ("李二", make_id_number(seq=12, sex=None))]
    (folder / "困难职工花名册.xlsx").write_bytes(workbook(
        ["姓名", "身份证号", "手机号", "所属工会", "工作单位", "困难类别", "主要致困原因", "家庭人口", "家庭月总收入(元)",
         "开户银行", "银行账号"],
        [[name, number, "13812345678", "130434", "纺织厂", "相对困难", "因病", "3", "2400", "农业银行",
          "6228480012345678"] for name, number in people]))
    (folder / "发放名单.xlsx").write_bytes(workbook(
        ["项目编码", "发放类型", "姓名", "身份证号", "金额(元)", "发放事由"],
        [[AID_PROJECT, "慰问", name, number, "500", "春节慰问"] for name, number in people]))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path, fresh_pg_database):
    uri = f"sqlite:///{tmp_path / 'empty.sqlite'}" if request.param == "sqlite" else fresh_pg_database()
    app = make_app(uri, str(tmp_path))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_readme_steps_reach_the_first_payment(empty_app, tmp_path, monkeypatch):
    from caseapp.payments.models import PaymentItem

    steps = readme_steps()
    assert steps[0] == "caseapp db upgrade" and steps[-1].startswith("caseapp import roster payment")
    _files(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = empty_app.test_cli_runner()
    for line in steps:
        result = runner.invoke(args=shlex.split(line)[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"
    with empty_app.app_context():
        items = db.session.execute(select(PaymentItem.recipient_name, PaymentItem.amount_fen, PaymentItem.status)
                                   .order_by(PaymentItem.id)).all()
    assert [tuple(i) for i in items] == [("王一", 50_000, "登记"), ("李二", 50_000, "登记")]
