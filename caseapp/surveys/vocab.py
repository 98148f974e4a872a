"""The words of a satisfaction survey: methods, sampling, outcomes, answers and counting rules."""
from __future__ import annotations

METHODS = {"phone": "电话回访", "questionnaire": "问卷", "visit": "入户"}
SAMPLING = {"full": "全员", "random": "按置信度和误差随机抽样", "fixed": "固定样本量随机抽样"}
STRATA = {"township": "乡镇/街道", "category": "困难类别", "aid_type": "帮扶类型"}
NO_PHONE = {"visit": "保留（改为入户）", "exclude": "剔除"}
RULES = {"binary": "满意+基本满意计为满意", "weighted": "加权（满意100、基本满意80、不满意0）"}
STATUSES = {"open": "进行中", "closed": "已结束"}
ROLES = {"sample": "样本", "reserve": "备选", "frame": "抽样框"}

#: outcome of a contact, as survey practice records it
COMPLETED, PARTIAL, REFUSED, NOT_REACHED, WRONG_NUMBER, NOT_ELIGIBLE = (
    "完成", "部分完成", "拒访", "未接通", "号码错误", "不符合条件")
OUTCOMES = (COMPLETED, PARTIAL, REFUSED, NOT_REACHED, WRONG_NUMBER, NOT_ELIGIBLE)
#: outcomes after which the person cannot be reached: a reserve takes their place
UNREACHABLE = (NOT_REACHED, WRONG_NUMBER)
#: outcomes whose satisfaction answer counts
ANSWERED = (COMPLETED, PARTIAL)

SATISFIED, FAIRLY_SATISFIED, UNSATISFIED = "满意", "基本满意", "不满意"
SATISFACTION = (SATISFIED, FAIRLY_SATISFIED, UNSATISFIED)
WEIGHTS = {SATISFIED: 100, FAIRLY_SATISFIED: 80, UNSATISFIED: 0}
RECEIVED = ("是", "否", "有问题")
YES_NO = ("是", "否")

#: the questions, as the call sheet, the answer page and the questionnaire ask them
QUESTIONS = {
    "satisfaction": "您对本次帮扶（发放）工作总体是否满意？",
    "received": "您是否收到了这笔款项？",
    "full_amount": "收到的金额是否足额？",
    "on_time": "是否按时收到？",
    "knew_publicity": "发放前是否知道公示名单？",
    "comment": "您还有什么意见或建议？",
}

#: an answer that the project's caseworkers must follow up (未收到 / 金额不符 / 到账有问题)
FINDING_LABELS = {"not_received": "反映未收到款项", "wrong_amount": "反映金额不符", "problem": "反映到账有问题"}


def sql_in(values) -> str:
    """A literal SQL list for CHECK constraints."""
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


def finding_of(received: str | None, full_amount: str | None) -> str | None:
    """The follow-up an answer asks for, or None."""
    if received == "否":
        return "not_received"
    if full_amount == "否":
        return "wrong_amount"
    if received == "有问题":
        return "problem"
    return None
