"""Documents: 公示名单 (.docx, .xlsx), 发放花名册 (.xlsx), the bank transfer file (.xlsx, .csv), bank return files."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseapp.core import audit
from caseapp.core.calendar import format_date_zh, local_today
from caseapp.core.db import db
from caseapp.core.errors import Forbidden, ValidationFailed
from caseapp.core.excel import RosterReader, Spec
from caseapp.core.limits import INT32
from caseapp.core.money import format_yuan, rmb_upper
from caseapp.core.officefile import OfficeFileError
from caseapp.core.printtable import SIGNATURES, Col, TableDoc, table_workbook
from caseapp.core.scoping import principal_or_deny, scoped
from caseapp.core.text import TextError, refuse_controls
from caseapp.payments import services
from caseapp.payments.models import PAID, PaymentItem


def items_for(ids: list[int]) -> list[PaymentItem]:
    """The selected items in scope, in id order (out-of-scope ids are simply absent), read in chunks of ids."""
    if not ids:
        raise ValidationFailed("请先选择要导出的记录", field="ids")
    wanted = sorted(set(ids))
    found: list[PaymentItem] = []
    for start in range(0, len(wanted), CHUNK):  # one IN list per chunk: far below the bound-parameter limits
        found += db.session.scalars(scoped(select(PaymentItem).where(PaymentItem.id.in_(wanted[start:start + CHUNK])),
                                           PaymentItem.org_id).order_by(PaymentItem.id))
    return found


def _masked_id(item: PaymentItem) -> str:
    return item.person.id_masked if item.person else ""


def _issuer(items: list[PaymentItem]):
    """The organisation that signs the documents: the exporting user's, or (operator) the items' first."""
    from caseapp.orgs.models import Organisation

    principal = principal_or_deny()
    org_id = principal.org_id if principal.org_id is not None else (items[0].org_id if items else None)
    return db.session.get(Organisation, org_id) if org_id is not None else None


def publicity_period(items: list[PaymentItem]) -> tuple[date | None, date | None]:
    """The first day and the last day of the 公示 of ``items`` (None when not publicised yet)."""
    starts = [i.publicity_start for i in items if i.publicity_start]
    ends = [i.publicity_end for i in items if i.publicity_end]
    return (min(starts) if starts else None), (max(ends) if ends else None)


def publicity_notice(items: list[PaymentItem], org_name: str = "县总工会") -> str:
    """The notice text with the period, e.g. 公示期为2025年6月3日至2025年6月9日."""
    start, end = publicity_period(items)
    period = (f"公示期为{format_date_zh(start)}至{format_date_zh(end)}" if start and end
              else "公示期自公示之日起计算")
    return (f"经内部审核、集体研究，拟对以下 {len(items)} 名（个）对象发放帮扶救助/奖励资金，现予公示。{period}。"
            f"如有异议，请于公示期内向{org_name}反映。")


def _contact_lines(org) -> list[str]:
    """监督电话 and 地址 as set on the organisation (a blank to fill in by hand when not set)."""
    phone = (org.supervision_phone if org else "") or "＿＿＿＿＿＿＿＿"
    address = (org.address if org else "") or "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"
    return [f"监督电话：{phone}", f"地址：{address}"]


PUBLICITY_TITLE = "帮扶救助及奖励资金发放公示"
PUBLICITY_WIDTHS_CM = [1.3, 3.6, 4.6, 4.2, 3.0]


def publicity_docx(items: list[PaymentItem]) -> bytes:
    """公示名单 as a Word document ready to post: A4, centred 宋体 title (no Word heading style), the organisation's
    full name, the notice with its 公示期 from … to …, a bordered table (masked 身份证号, header repeated on every
    page), the total, 监督电话 and address, and the organisation with the first day of the 公示 on the right."""
    from caseapp.core.printform import Sheet
    from caseapp.core.printform_docx import document

    org = _issuer(items)
    name = org.printed_name if org else "县总工会"
    start, _end = publicity_period(items)
    sheet = Sheet(name="公示名单", title=PUBLICITY_TITLE, subtitle=name, widths_cm=PUBLICITY_WIDTHS_CM,
                  header_rows=1, notes=[publicity_notice(items, name)],
                  footer=[f"合计：{len(items)} 名（个），金额 {format_yuan(sum(i.amount_fen for i in items))}"
                          f"（人民币{rmb_upper(sum(i.amount_fen for i in items))}）"] + _contact_lines(org),
                  closing=[name, format_date_zh(start) if start else "　　年　　月　　日"])
    for col, title in enumerate(("序号", "姓名/集体", "身份证号", "类型", "金额（元）")):
        sheet.add(0, col, title, bold=True)
    for n, item in enumerate(items, start=1):
        for col, value in enumerate((str(n), item.recipient_name, _masked_id(item), item.aid_type.name)):
            sheet.add(n, col, value)
        sheet.add(n, 4, format_yuan(item.amount_fen), align="right")
    return document([sheet])


PUBLICITY_COLUMNS = [Col("序号", 6), Col("姓名/集体", 16), Col("身份证号", 22, text=True), Col("类型", 18),
                     Col("金额（元）", 14, money=True)]


def publicity_xlsx(items: list[PaymentItem]) -> bytes:
    """公示名单 as a print-ready workbook (same content as the Word notice)."""
    org = _issuer(items)
    name = org.printed_name if org else "县总工会"
    start, _end = publicity_period(items)
    total = sum(i.amount_fen for i in items)
    rows = ([n, i.recipient_name, _masked_id(i), i.aid_type.name, i.amount_fen / 100]
            for n, i in enumerate(items, start=1))
    doc = TableDoc(PUBLICITY_TITLE, above=[name, publicity_notice(items, name)],
                   below=[f"合计：{len(items)} 名（个），金额 {format_yuan(total)}（人民币{rmb_upper(total)}）",
                          *_contact_lines(org), f"{name}　{format_date_zh(start) if start else '　　年　　月　　日'}"],
                   sheet="公示名单")
    return table_workbook(doc, PUBLICITY_COLUMNS, rows)[0]


ROSTER_COLUMNS = [Col("序号", 6), Col("姓名/集体", 14), Col("身份证号", 22, text=True), Col("类型", 16),
                  Col("金额（元）", 13, money=True), Col("银行批次", 14, text=True), Col("领款人签字", 14)]


def payment_dates(items: list[PaymentItem]) -> str:
    """The 发放日期 of ``items`` (a range when they were paid on several days; blanks when not paid yet)."""
    days = sorted({i.paid_on for i in items if i.paid_on})
    if not days:
        return "　　年　　月　　日"
    return format_date_zh(days[0]) if len(days) == 1 else f"{format_date_zh(days[0])}至{format_date_zh(days[-1])}"


def roster_xlsx(items: list[PaymentItem]) -> bytes:
    """发放花名册: the organisation, dated by the payment date (not the export), a signature column, the total in
    figures and 人民币大写, and the 制表人 / 审核人 / 单位负责人 line dated by the payment date."""
    org = _issuer(items)
    name = org.printed_name if org else "县总工会"
    total = sum(i.amount_fen for i in items)
    paid = payment_dates(items)
    rows = ([n, i.recipient_name, _masked_id(i), i.aid_type.name, i.amount_fen / 100, i.bank_batch or "", ""]
            for n, i in enumerate(items, start=1))
    doc = TableDoc("帮扶救助及奖励资金发放花名册", above=[f"单位：{name}　　发放日期：{paid}"],
                   below=[f"合计：{len(items)} 人（个），金额 {format_yuan(total)}",
                          f"合计金额（大写）：人民币{rmb_upper(total)}", SIGNATURES, f"日期：{paid}"],
                   sheet="发放花名册")
    return table_workbook(doc, ROSTER_COLUMNS, rows)[0]


def _bank_rows(items: list[PaymentItem], full: bool) -> list[list[str]]:
    rows = []
    for i in items:
        person = i.person
        account = (person.bank_account if full else person.bank_account_masked) if person else ""
        rows.append([str(i.id), (person.account_holder or person.name) if person else i.recipient_name,
                     account or "", person.bank_name or "" if person else "", f"{i.amount_fen / 100:.2f}",
                     f"{i.aid_type.name}{i.period}"])
    return rows


def _refuse_missing_accounts(items: list[PaymentItem]) -> None:
    """A bank file never holds a row without an account (nor a placeholder): the refusal lists who lacks one."""
    missing = [i for i in items if not (i.person and i.person.bank_account_masked)]
    if missing:
        named = "、".join(f"编号{i.id} {i.recipient_name}" for i in missing[:10]) + (" 等" if len(missing) > 10 else "")
        raise ValidationFailed(f"有 {len(missing)} 个对象没有银行账号，未生成代发文件：{named}。"
                               "请先在人员信息中补录开户行和账号，或不勾选这些记录。", field="ids",
                               rows={i.id: "没有银行账号，不能列入代发文件" for i in missing})


BANK_COLUMNS = ["款项编号", "户名", "账号", "开户行", "金额（元）", "摘要"]
#: the bank reads the header from row 1: widths, borders and print titles, the title only in the page header
BANK_XLSX_COLUMNS = [Col("款项编号", 10, text=True), Col("户名", 14), Col("账号", 24, text=True), Col("开户行", 24),
                     Col("金额（元）", 12, text=True), Col("摘要", 22)]


def bank_file(items: list[PaymentItem], *, full: bool, fmt: str) -> bytes:
    """The bank transfer file; full account numbers only for 财务, and every full export is audited."""
    principal = principal_or_deny()
    if full and not principal.has_role("finance"):
        raise Forbidden("只有财务可以导出完整银行账号")
    _refuse_missing_accounts(items)
    rows = _bank_rows(items, full)
    if full:
        audit.record("payment.bank_export_full", ("payment_bank_file", fmt), org_id=principal.org_id,
                     after={"item_ids": [i.id for i in items], "format": fmt},
                     summary=f"导出完整账号的银行代发文件 {len(items)} 笔")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(BANK_COLUMNS)
        writer.writerows([[("'" + v) if v[:1] in "=+-@\t\r" else v for v in row] for row in rows])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly
    return table_workbook(TableDoc("银行代发", header_first=True), BANK_XLSX_COLUMNS, rows)[0]


# --------------------------------------------------------------------------- bank return files

#: rows per return file, and ids per IN list (the workflow moves items in chunks of the same size)
MAX_RETURN_ROWS = 100_000
CHUNK = 5000
RETURN_SPEC = Spec(headers=["款项编号", "结果", "日期", "原因"], required=["款项编号", "结果"])
_RESULTS = {"成功": "confirm", "到账": "confirm", "已到账": "confirm", "失败": "return", "退回": "return",
            "已退回": "return"}


@dataclass
class ReturnRow:
    line: int
    item_id: int
    action: str
    on: date
    reason: str


def read_return_file(data: bytes, filename: str) -> list[ReturnRow]:
    """Parse the bank's return file; every bad row is reported (第 n 行：…) and nothing is applied."""
    rows, errors = [], []
    for line, values in _raw_return_rows(data, filename):
        try:
            rows.append(_return_row(line, values))
        except ValueError as exc:
            errors.append(f"第 {line} 行：{exc}")
    if errors:
        raise ValidationFailed("银行回盘文件有误，未做任何处理：" + "；".join(errors[:20]), field="file")
    if not rows:
        raise ValidationFailed("银行回盘文件没有数据行", field="file")
    return rows


def _raw_return_rows(data: bytes, filename: str):
    if filename.lower().endswith(".csv"):
        yield from _csv_rows(data)
        return
    try:
        with RosterReader(data, RETURN_SPEC, max_rows=MAX_RETURN_ROWS) as reader:
            yield from reader.rows()
    except OfficeFileError as exc:  # every refusal of the file, not only the sheet-level ones
        raise ValidationFailed(str(exc), field="file") from None


def _csv_rows(data: bytes):
    """The CSV's rows as {header: text}: UTF-8 (with or without BOM) or GBK/GB18030, as banks write them."""
    text = _decode_csv(data)
    try:
        reader = csv.DictReader(io.StringIO(text))
        for line, row in enumerate(reader, start=2):
            if line > MAX_RETURN_ROWS + 1:
                raise ValidationFailed(f"银行回盘文件行数过多（一次最多 {MAX_RETURN_ROWS:,} 行），请分成几个文件", field="file")
            yield line, {k.strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str) and k}
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte, an unclosed quote
        raise ValidationFailed(f"银行回盘文件格式有误（第 {reader.line_num} 行附近），请用 Excel 另存为 CSV 或 .xlsx 后上传",
                               field="file") from exc


def _decode_csv(data: bytes) -> str:
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        try:
            return refuse_controls(text)
        except TextError as exc:
            raise ValidationFailed(f"银行回盘文件{exc}", field="file") from None
    raise ValidationFailed("无法识别银行回盘文件的编码（应为 UTF-8 或 GBK），请用 Excel 另存为 CSV 或 .xlsx 后上传",
                           field="file")


def _return_row(line: int, values: dict) -> ReturnRow:
    raw_id = values.get("款项编号", "")
    if not (raw_id.isascii() and raw_id.isdigit()):
        raise ValueError(f"款项编号“{raw_id[:20]}”不是数字")
    if len(raw_id) > 10 or int(raw_id) > INT32:
        raise ValueError(f"款项编号“{raw_id[:20]}”不存在")
    action = _RESULTS.get(values.get("结果", ""))
    if action is None:
        raise ValueError(f"结果应为“成功”或“退回”，而不是“{values.get('结果', '')}”")
    try:
        on = date.fromisoformat(values["日期"].replace("/", "-")) if values.get("日期") else local_today()
    except ValueError:
        raise ValueError(f"日期“{values.get('日期')}”格式应为 2025-06-30") from None
    reason = values.get("原因", "")
    if action == "return" and not reason:
        raise ValueError("退回的记录须填写原因")
    return ReturnRow(line, int(raw_id), action, on, reason)


def apply_return_file(data: bytes, filename: str) -> dict:
    """Mark items 已到账 / 已退回 from the bank's file, all or nothing."""
    rows = read_return_file(data, filename)
    ids = [r.item_id for r in rows]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("银行回盘文件中有重复的款项编号", field="file")
    found = {i.id: i.status for i in items_for(ids)}
    bad = [f"第 {r.line} 行：款项 {r.item_id} {'不存在或无权访问' if r.item_id not in found else '状态为' + found[r.item_id]}"
           for r in rows if found.get(r.item_id) != PAID]
    if bad:
        raise ValidationFailed("银行回盘文件有误，未做任何处理：" + "；".join(bad[:20]), field="file")
    for (action, on, reason), group in _grouped(rows).items():
        if action == "confirm":
            services.confirm(group, on=on)
        else:
            services.return_(group, reason=reason, on=on)
    return {"confirmed": sum(r.action == "confirm" for r in rows), "returned": sum(r.action == "return" for r in rows)}


def _grouped(rows: list[ReturnRow]) -> dict:
    groups: dict[tuple, list[int]] = {}
    for r in rows:
        groups.setdefault((r.action, r.on, r.reason), []).append(r.item_id)
    return groups
