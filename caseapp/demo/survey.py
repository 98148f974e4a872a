"""Demo: the 2025 aid paid to 39 people before 春节, then a closed 电话回访 whose rate is the 满意率 完成值.

Everything goes through the services the pages use (registration under caps, the workflow with its dates,
the survey's frame and draw, answers, closing, the roll-up). Running it again adds nothing.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.payments import services as payments
from caseapp.payments.models import PaymentItem

AID_CODE = "13043425P00430010001H"
PAID_PEOPLE, AMOUNT_FEN, SEED = 39, 1_200_000, 20250301
#: (satisfaction, received, full amount) per answered person; the rest 拒访 / 未接通
ANSWERS = [("满意", "是", "是")] * 34 + [("基本满意", "是", "是")] + [("不满意", "是", "否")] + [("满意", "是", "是")]


def add_aid_survey(created: list[str], existing: list[str]) -> None:
    """Pay the 2025 aid (when nothing is paid yet) and hold its satisfaction survey, closed."""
    from caseapp.surveys.models import Survey

    project = db.session.scalar(select(Project).where(Project.code == AID_CODE, Project.year == 2025))
    if project is None:
        return
    if db.session.scalar(select(func.count(Survey.id)).where(Survey.project_id == project.id)):
        existing.append("2025年困难职工帮扶满意度调查")
        return
    if not db.session.scalar(select(func.count(PaymentItem.id)).where(PaymentItem.project_id == project.id)):
        _pay_aid(project)
        created.append(f"2025年困难职工生活救助 {PAID_PEOPLE} 人（春节前到账）")
    rate = _survey(project)
    created.append(f"2025年困难职工帮扶满意度调查（电话回访，已结束，满意率 {rate}%）")


def _pay_aid(project: Project) -> None:
    """生活救助 for the first 39 people 在档, through 审核 → 集体研究 → 公示 → 发放 → 到账 in January 2025."""
    people = list(db.session.scalars(select(HardshipFile.person_id).where(HardshipFile.status == "在档")
                                     .order_by(HardshipFile.id).limit(PAID_PEOPLE)))
    payments.register_many(project, "生活救助", AMOUNT_FEN, person_ids=people, reason="2025年春节前生活救助",
                           on=date(2025, 1, 3))
    ids = list(db.session.scalars(select(PaymentItem.id).where(PaymentItem.project_id == project.id)))
    payments.review(ids)
    payments.approve(ids, meeting_date=date(2025, 1, 6), minutes_no="魏工纪〔2025〕1号",
                     attendees="主席、副主席、经审会主任、财务负责人")
    payments.publicize(ids, date(2025, 1, 7), reason="演示数据：补录 2025 年 1 月已张贴的公示")
    payments.pay(ids, on=date(2025, 1, 20), bank_batch="NX20250120-01")
    payments.confirm(ids, on=date(2025, 1, 21))


def _survey(project: Project) -> float:
    from caseapp.surveys.answers import AnswerData, next_to_call, record_answer
    from caseapp.surveys.results import close_survey
    from caseapp.surveys.services import SurveyParams, create_survey

    survey = create_survey(SurveyParams(project.id, name="2025年困难职工帮扶救助满意度电话回访", seed=SEED))
    for satisfaction, received, full in ANSWERS:
        record_answer(survey, next_to_call(survey), AnswerData(
            outcome="完成", satisfaction=satisfaction, received=received, full_amount=full, on_time="是",
            knew_publicity="是", comment="金额比去年少了，想问问原因" if full == "否" else None))
    record_answer(survey, next_to_call(survey), AnswerData(outcome="拒访"))
    return close_survey(survey)["satisfaction_rate"]
