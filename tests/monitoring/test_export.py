"""The 绩效运行监控表 read back: landscape A4, the two-row header with the five kinds of 偏差原因, merges, marks."""
from datetime import date

from caseapp.monitoring import exports, services
from caseapp.monitoring.services import ItemEntry
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, aid_paid_to
from tests.evaluation.readback import load_xlsx, xlsx_merges, xlsx_text

AID_MERGES = {
    (0, 1, 0, 7), (0, 8, 0, 10), (0, 11, 0, 14),  # 项目名称 | 实施单位
    (1, 0, 2, 0), (1, 1, 1, 2), (1, 8, 1, 12), (2, 1, 2, 2), (2, 8, 2, 12),  # 预算执行情况
    (3, 0, 11, 0),  # 绩效指标: two header rows and 7 indicators
    (3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 4, 3), (3, 4, 4, 4), (3, 5, 4, 5), (3, 6, 4, 6), (3, 7, 4, 7),
    (3, 13, 4, 13), (3, 14, 4, 14), (3, 8, 3, 12),  # single headers over two rows; 偏差原因 over its five kinds
    (5, 1, 8, 1), (9, 1, 10, 1),  # 一级 产出指标 and 效益指标 down their rows
}


def test_monitoring_table_layout(union):
    aid_paid_to(union, paid=10, day=date(2025, 1, 20))
    project = union.project(AID)
    people = union.indicator(AID, "救助人数")
    with acting_as(union.users["caseworker"]):
        services.save_report(project, 7, 47_660_000, ["经费保障"], "加快审批", {
            people.id: ItemEntry("预计39人", "有可能", ["人员保障", "其他"], "部分人员外出务工", "电话联系后发放")})
    monitor = next(m for m in services.year_monitoring(2025, 7) if m.code == AID)
    ws = load_xlsx(exports.workbook([monitor])).worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws["A1"].value == "2025年度项目支出绩效运行监控表（1–7月）"
    assert xlsx_merges(ws, 12) == AID_MERGES
    assert [xlsx_text(ws, 1, c) for c in (1, 3, 4, 5, 6, 7, 8, 13, 14)] == [
        "年初预算数", "调整后预算数", "1–7月执行数", "执行率", "资金支出计划进度", "全年预计执行数", "偏差原因", "纠偏措施", "预警"]
    assert [xlsx_text(ws, 2, c) for c in (1, 3, 4, 5, 6, 7, 8, 13, 14)] == [
        47.66, 47.66, 12.0, "25.18%", "50%", 47.66, "经费保障", "加快审批", "红灯"]
    assert [xlsx_text(ws, 4, c) for c in range(8, 13)] == ["经费保障", "制度保障", "人员保障", "硬件保障", "其他"]
    assert [xlsx_text(ws, 5, c) for c in range(3, 15)] == [
        "救助人数", "39人", "10人", "预计39人", "有可能", None, None, "√", None, "√部分人员外出务工", "电话联系后发放", "红灯"]
