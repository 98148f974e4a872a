"""The call sheet: an .xlsx of the people to call with answer drop-downs, imported back all or nothing.

The import uses the roster framework (header checks, drop-down values, one error per cell, nothing written
while any row is wrong); rows without a 回访结果 are people not called yet and are skipped. Importing again
is allowed: each imported row becomes a new answer that replaces the person's earlier one (history kept).
"""
from __future__ import annotations

import os
from datetime import date

from sqlalchemy import func, select

from caseapp.core import excel
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.masking import mask_phone
from caseapp.core.money import format_yuan
from caseapp.core.scoping import principal_or_deny, require_role
from caseapp.rosters.base import Column, RosterContext, RosterKind, RowErrors
from caseapp.rosters.services import ImportResult, RowError, validate_workbook
from caseapp.surveys import vocab
from caseapp.surveys.answers import AnswerData, record_answer
from caseapp.surveys.models import Survey, SurveyAnswer, SurveyMember
from caseapp.surveys.services import ANSWER_ROLES, require_open

#: who may export full phone numbers (回访员 and 管理员); each such export is audited
FULL_PHONE_ROLES = ("surveyor", "admin")
CODE, OUTCOME, ATTEMPTS = "编号", "回访结果", "拨打次数"
#: answer column → AnswerData field
ANSWER_FIELDS = {"总体满意度": "satisfaction", "是否收到款项": "received", "是否足额": "full_amount",
                 "是否按时": "on_time", "是否知晓公示": "knew_publicity", "意见建议": "comment"}
INFO = [Column(CODE, text=True, width=10, help="系统编号，请勿修改"), Column("姓名", required=False),
        Column("联系人", required=False, help="先进集体的联系人"), Column("乡镇", required=False, width=16),
        Column("电话", required=False, text=True, help="回访员导出时显示完整号码，其他人为脱敏号码"),
        Column("发放内容", required=False, width=24), Column("到账日期", required=False, width=12),
        Column("回访员", required=False, width=10)]
ANSWERS = [Column(OUTCOME, required=False, choices=list(vocab.OUTCOMES), width=12, help="未拨打的留空"),
           Column(ATTEMPTS, required=False, width=10, help="累计拨打次数（整数）"),
           Column("总体满意度", required=False, choices=list(vocab.SATISFACTION), help=vocab.QUESTIONS["satisfaction"]),
           Column("是否收到款项", required=False, choices=list(vocab.RECEIVED), help=vocab.QUESTIONS["received"]),
           Column("是否足额", required=False, choices=list(vocab.YES_NO), help=vocab.QUESTIONS["full_amount"]),
           Column("是否按时", required=False, choices=list(vocab.YES_NO), help=vocab.QUESTIONS["on_time"]),
           Column("是否知晓公示", required=False, choices=list(vocab.YES_NO), help=vocab.QUESTIONS["knew_publicity"]),
           Column("意见建议", required=False, width=30, help=vocab.QUESTIONS["comment"])]
COLUMNS = INFO + ANSWERS
NOTES = ["1. 每行是一位回访对象；“回访结果”留空表示尚未拨打，导入时跳过。",
         "2. 回访结果为“完成”时必须选择总体满意度；“未接通”达到设定次数后系统自动从备选名单替补。",
         "3. 只要有一行有错，整个文件都不会导入；改正后可再次导入，同一人以最后一次导入的答复为准（历史保留）。",
         "4. 电话号码属于个人信息，请勿转发本表，回访结束后请删除。"]


def member_code(survey: Survey, member: SurveyMember) -> str:
    """The row key of the sheet: survey id and frame position ("12-0037")."""
    return f"{survey.id}-{member.frame_no:04d}"


def calling_list(survey: Survey, caller: str | None = None, limit: int | None = None):
    """Members on the calling list (the sample and the reserves drawn in), in drawing order."""
    stmt = (select(SurveyMember).where(SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True))
            .order_by(SurveyMember.role.desc(), SurveyMember.draw_rank).limit(limit))
    if caller:
        stmt = stmt.where(SurveyMember.caller == caller)
    return db.session.scalars(stmt.execution_options(yield_per=2000))


def export_sheet(survey: Survey, *, full_phones: bool = False, caller: str | None = None) -> bytes:
    """The call sheet as .xlsx; full phones only for 回访员 and 管理员, and that export is audited."""
    actor = require_role(*FULL_PHONE_ROLES) if full_phones else principal_or_deny()
    phones, current = _phones(survey, full_phones), _current_answers(survey)
    rows = (_row(survey, m, phones.get(m.id, ""), current.get(m.id)) for m in calling_list(survey, caller))
    content, count = excel.form_workbook(f"回访表{survey.id}", COLUMNS, rows, notes=NOTES, extra={
        "回访问题": [["序号", "问题"]] + [[str(i), q] for i, q in enumerate(vocab.QUESTIONS.values(), 1)]})
    if full_phones:
        record("survey.export_full", survey, org_id=actor.org_id, after={"rows": count, "caller": caller},
               summary=f"导出“{survey.name}”回访表（完整电话号码）：{count}行")
    return content


def _phones(survey: Survey, full: bool) -> dict[int, str]:
    """Member id → phone as the sheet shows it (decrypted only when full phones were asked for)."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.persons.models import Person

    people = (select(SurveyMember.id, Person.phone if full else Person.phone_masked)
              .join(Person, Person.id == SurveyMember.person_id)
              .where(SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True)))
    groups = (select(SurveyMember.id, AwardRecipient.contact_phone if full else AwardRecipient.contact_phone_masked)
              .join(AwardRecipient, AwardRecipient.id == SurveyMember.award_recipient_id)
              .where(SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True),
                     SurveyMember.person_id.is_(None)))
    found = {}
    for stmt in (people, groups):
        for member_id, phone in db.session.execute(stmt):
            found[member_id] = _national(phone) if full and phone else (phone or "")
    return found


def _national(e164: str) -> str:
    from caseapp.core.phone import PhoneError, format_phone_national

    try:
        return format_phone_national(e164)
    except PhoneError:
        return mask_phone(e164)


def _current_answers(survey: Survey) -> dict[int, SurveyAnswer]:
    """Member id → the latest answer, so that a sheet exported again shows what was recorded so far."""
    latest = (select(func.max(SurveyAnswer.id)).where(SurveyAnswer.survey_id == survey.id)
              .group_by(SurveyAnswer.member_id))
    return {a.member_id: a for a in db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.id.in_(latest)))}


def _row(survey: Survey, m: SurveyMember, phone: str, answer: SurveyAnswer | None) -> list:
    paid = f"{m.aid_types} {format_yuan(m.paid_fen)}".strip()
    phone = phone or ("无电话（入户）" if not m.has_phone else "")
    info = [member_code(survey, m), m.name, m.contact_name or "", m.township, phone, paid,
            m.paid_on.isoformat() if m.paid_on else "", m.caller or ""]
    if answer is None:
        return info + [""] * len(ANSWERS)
    given = [getattr(answer, field) or "" for field in ANSWER_FIELDS.values()]
    return info + [answer.outcome, str(answer.attempts)] + given


# --------------------------------------------------------------------------- import


def import_sheet(survey: Survey, data: bytes, *, filename: str = "", today: date | None = None) -> ImportResult:
    """Validate every row; with any error write nothing, else record each answered row as the current answer."""
    actor = require_role(*ANSWER_ROLES)
    require_open(survey)
    members = {member_code(survey, m): m for m in calling_list(survey)}
    kind = RosterKind(key="survey", title="回访表", columns=COLUMNS, validate_row=_validator(members),
                      apply_rows=_applier(survey), export_rows=lambda ctx: [], key_column=CODE)
    ctx = RosterContext(kind="survey", today=today or local_today(), event_id=None, full=False, org_cache={},
                        actor=actor)
    rows, clean, errors = validate_workbook(kind, data, ctx)
    if errors:
        return ImportResult(rows=rows, errors=errors)
    if not rows:
        raise ValidationFailed("文件中没有数据行（第1行是列名，数据从第2行开始）", field="file")
    current = _current_answers(survey)
    answers = [c for c in clean if c is not None and not _same(current.get(c["member"].id), c["data"])]
    kind.apply_rows(answers, ctx)
    name = os.path.basename(filename or "")[:100]
    record("survey.import", survey, after={"rows": rows, "answers": len(answers), "filename": name},
           summary=f"导入“{survey.name}”回访表：{rows}行，答复{len(answers)}条（{name}）")
    return ImportResult(rows=rows, created=len(answers))


def _validator(members: dict[str, SurveyMember]):
    def validate_row(cells: dict[str, str], ctx: RosterContext) -> dict | None:
        member = members.get(cells.get(CODE, "").strip())
        errors = [] if member else [(CODE, "编号不在本调查的回访名单中（请使用本调查导出的回访表）")]
        if not cells.get(OUTCOME):
            if errors:
                raise RowErrors(errors)
            return None
        data = _answer(cells, errors)
        errors += [(_header(f), m) for f, m in data.problems() if f != "outcome"]
        if errors:
            raise RowErrors(errors)
        return {"member": member, "data": data}

    return validate_row


def _answer(cells: dict[str, str], errors: list) -> AnswerData:
    values = {field: cells.get(header) or None for header, field in ANSWER_FIELDS.items()}
    attempts = None
    if cells.get(ATTEMPTS):
        try:
            attempts = int(float(cells[ATTEMPTS]))
        except ValueError:
            errors.append((ATTEMPTS, "拨打次数应为整数"))
    return AnswerData(outcome=cells[OUTCOME], attempts=attempts if attempts is not None else 1, **values)


def _same(answer: SurveyAnswer | None, data: AnswerData) -> bool:
    """An unchanged row of a sheet imported again is not a new answer."""
    if answer is None or (answer.outcome, answer.attempts) != (data.outcome, data.attempts):
        return False
    return all((getattr(answer, f) or None) == (getattr(data, f) or None) for f in ANSWER_FIELDS.values())


def _header(field: str) -> str:
    return {v: k for k, v in ANSWER_FIELDS.items()}.get(field, ATTEMPTS if field == "attempts" else OUTCOME)


def _applier(survey: Survey):
    def apply_rows(rows: list[dict], ctx: RosterContext) -> tuple[int, int]:
        for row in rows:
            if row["member"].is_active:  # a reserve may have been drawn in meanwhile: still on the list
                record_answer(survey, row["member"], row["data"], source="sheet")
        db.session.flush()
        return len(rows), 0

    return apply_rows


def errors_as_json(errors: list[RowError]) -> list[dict]:
    return [{"row": e.row, "column": e.column, "message": e.message} for e in errors]
