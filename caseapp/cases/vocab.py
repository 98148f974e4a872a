"""The fixed vocabularies of a 困难职工档案 (shared by models, forms, API schemas and rosters)."""
from __future__ import annotations

#: 困难类别; 深度困难 and 相对困难 follow the yearly thresholds, 意外致困 is always chosen by hand
CATEGORIES = ("深度困难", "相对困难", "意外致困")
#: 主要/次要致困原因
CAUSES = ("因病", "因残", "因学", "因灾", "失业/下岗", "单亲", "工伤", "其他")
MAX_SECONDARY_CAUSES = 3
#: 帮扶需求 (several may apply)
NEEDS = ("就业援助", "技能培训", "社保兜底", "金秋助学")

APPLIED, FILED, RELIEVED, WITHDRAWN = "申请", "在档", "解困脱困", "退档"
STATUSES = (APPLIED, FILED, RELIEVED, WITHDRAWN)
OPEN_STATUSES = (APPLIED, FILED)
#: reasons for leaving the register (解困脱困 is reached by 解困; the others lead to 退档)
CLOSE_REASONS = ("解困", "死亡", "识别不准", "转政府兜底", "其他")
#: allowed moves: from → {to: reasons accepted}
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    APPLIED: {FILED: (), WITHDRAWN: ("识别不准", "死亡", "转政府兜底", "其他")},
    FILED: {RELIEVED: ("解困",), WITHDRAWN: ("死亡", "识别不准", "转政府兜底", "其他")},
}
REVIEW = "年度复核"  #: the history label of a yearly re-verification (动态管理)

MARITAL = ("未婚", "已婚", "离异", "丧偶")
HEALTH = ("健康", "一般", "慢性病", "大病", "残疾")
DISABILITY = ("无", "视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾")
HOUSING = ("自有住房", "租房", "公租房/廉租房", "借住", "无固定住所")
MEDICAL = ("职工医保", "居民医保", "未参保")
HUKOU = ("城镇", "农村")
UNIT_TYPES = ("国有企业", "集体企业", "非公有制企业", "机关事业单位", "社会组织", "灵活就业", "其他")
RELATIONS = ("配偶", "子女", "父母", "兄弟姐妹", "祖父母/外祖父母", "孙子女/外孙子女", "其他")


def choices(values: tuple[str, ...], blank: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for a select, optionally led by a blank entry."""
    head = [("", blank)] if blank is not None else []
    return head + [(v, v) for v in values]


def sql_in(values: tuple[str, ...]) -> str:
    """A literal SQL ``IN (...)`` list for CHECK constraints and partial indexes."""
    return "(" + ",".join(f"'{v}'" for v in values) + ")"
