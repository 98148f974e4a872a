"""Bank return files and payment lists from outside: every refusal a Chinese 422, GBK read as GBK, a file of
70,000 rows answered (not a parameter-limit crash), and a township's own list accepted for a county project."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.payments.models import PaymentItem
from caseapp.rosters import services as rosters
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory
from tests.payments.conftest import id_number, make_filed, make_person
from tests.payments.test_pages import _client, _paid_items, _post
from tests.xlsx import workbook


def _paid(world) -> list[int]:
    return [item.id for item in _paid_items(world)]


def _return(app, world, body: bytes, name="回盘.csv"):
    return _post(app, _client(app, world.finance), "/payments/bank-return", {"file": (io.BytesIO(body), name)})


def _refused(resp, *words):
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and all(w in text for w in words), text[-1500:]


def test_a_gbk_bank_file_is_read_as_gbk(app, world):
    ids = _paid(world)
    body = "款项编号,结果,日期,原因\n" + "".join(f"{i},成功,2025-06-21,\n" for i in ids)
    assert _return(app, world, body.encode("gbk")).status_code == 303
    db.session.expire_all()
    assert {db.session.get(PaymentItem, i).status for i in ids} == {"已到账"}


@pytest.mark.parametrize(("body", "name", "words"), [
    ("款项编号,结果\n1,成功\n".encode("utf-16"), "回盘.csv", ("编码",)),
    (b"", "回盘.xlsx", ("文件为空",)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "回盘.xlsx", (".xls",)),
    (("款项编号,结果,日期,原因\n1,成功,2025-06-21," + "长" * 140_000 + "\n").encode(), "回盘.csv", ("格式有误",)),
    ("款项编号,结果,日期,原因\n100000000000000000000000000,成功,2025-06-21,\n".encode(), "回盘.csv",
     ("第 2 行：款项编号", "不存在")),
    ("款项编号,结果,日期,原因\n1,成功,2025-06-21,\x00\n".encode(), "回盘.csv", ("控制字符",)),
])
def test_every_refused_bank_file_is_a_chinese_422(app, world, body, name, words):
    _refused(_return(app, world, body, name), *words)


def test_seventy_thousand_return_rows_are_answered_not_a_parameter_limit_crash(app, world):
    body = "款项编号,结果,日期,原因\n" + "".join(f"{900_000 + n},成功,2025-06-21,\n" for n in range(70_000))
    _refused(_return(app, world, body.encode()), "款项 900000 不存在或无权访问")


def test_a_township_caseworker_imports_a_payment_list_for_a_county_project(world):
    township = OrgFactory(parent=world.org, name="魏城镇工会")
    person = make_person(township.id, 7, name="刘洋")
    make_filed(person)
    rows = [[world.project.code, "生活救助", "刘洋", id_number(7), "800", "春节慰问"]]
    data = workbook(["项目编码", "发放类型", "姓名", "身份证号", "金额(元)", "发放事由"], rows)
    with acting_as(UserFactory(org=township, roles=["caseworker"])):
        result = rosters.import_roster("payment", data, filename="发放名单.xlsx", today=date(2025, 6, 2))
    assert result.ok and result.created == 1
    item = db.session.scalar(select(PaymentItem))
    assert (item.org_id, item.project_id) == (township.id, world.project.id)
    assert db.session.scalar(select(func.count()).select_from(PaymentItem)) == 1
