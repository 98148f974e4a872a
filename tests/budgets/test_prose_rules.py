"""Rules proposed from the 分项绩效目标 prose and their matching to projects."""
from dataclasses import dataclass, field
from decimal import Decimal

from caseapp.budgets.importer.prose_rules import DeadlineSpec, extract_rules, match_rules_to_projects

SEED_PROSE = [
    "二、分项绩效目标\t1",  # the table of contents lists the same headings
    "三、工作保障措施\t2",
    "一、总体绩效目标",
    "2025年，县总工会将强化思想政治引领。每人奖励9999元。",
    "二、分项绩效目标",
    "(一)开展好对职工的帮扶救助活动",
    "绩效目标：对困难职工实施帮扶救助，开展好生活救助、医疗救助、子女助学等三个方面项目，帮扶救助后职工困难得到缓解，"
    "生活状况有所提高，使困难职工帮扶救助率达到90%以上，受助职工满意度达到90%以上。绩效指标：困难职工帮扶救助率达到90%以上，"
    "项目完成及时率达到100%，生活救助项目资金使用率达到30%以上，受助职工满意度达到90%以上。",
    "（二）做好县劳模管理和服务工作",
    "绩效目标：加强和改进劳动模范管理和服务工作，充分体现党和国家以及工会组织对劳模的关怀，有效解决或缓解生活困难县劳模的生活状况。"
    "绩效指标：困难劳模救助率 100%；按照《河北省困难职工及劳模帮扶救助专项资金管理办法》（冀财规〔2022〕7号）要求，"
    "在6月30日前发放到位；按照《河北省功勋荣誉表彰奖励获得者待遇实施细则（试行）》对劳模的救助标准有关规定进行资金发放；"
    "项目完成及时率达到100%；生活困难劳模满意率达到 95%以上。",
    "（三）表彰 2025年劳动模范、先进集体",
    "绩效目标：对2024年县委县政府表彰的劳动模范进行奖励。绩效指标：表彰人数不超过100人；6月底前完成资金的发放，每个人奖励1000元；"
    "100%发放到每名受表彰的劳动模范；充分体现县委县政府对劳模的褒奖；受表彰劳模、先进工作集体满意度 95%以上。",
    "（四）保障工作的正常运转",
    "绩效目标：保障职工的工资及时足额发放，保证职工安心工作，按时完成工作任务；保障离退休干部人员经费及时足额发放。"
    "绩效指标：根据年度工作任务，保证职工工资按时、精准发放，保持干部队伍稳定性。教职工满意度达到90%以上，"
    "退休干部工作运转保障率达到 100%，退休干部满意度达到 90%以上。",
    "三、工作保障措施",
    "4、加强审核监督。每人不超过3000元，春节前发放。",
]


@dataclass
class Project:
    code: str
    name: str
    purpose: str = ""
    goal_text: str = ""
    indicators: list = field(default_factory=list)


SEED_PROJECTS = [
    Project("FUNDS", "工会经费", "资金用于上解市级工会经费、维权类支出、工资福利支出。", "1.按时发放人员工资、维权类活动支出及维护单位正常运转。"),
    Project("AID", "冀财行（2024）97号提前下达2025年困难职工及劳模帮扶救助专项资金", "救助在档困难职工，缓解职工困难。",
            "1.救助在档困难职工，慰问环卫工人、助力高质量发展新就业劳动者等"),
    Project("AWARD", "评选县级劳模（一次性奖励）和先进集体活动", "用于劳动节评选县级劳模和先进集体。", "1.计划五一劳动节前评选县级劳模和先进集体。"),
]


def _find(rules, kind, **attrs):
    return [r for r in rules if r.kind == kind and all(getattr(r, k) == v for k, v in attrs.items())]


def test_rules_come_only_from_the_sub_goal_section():
    rules = extract_rules(SEED_PROSE)
    assert not _find(rules, "per_person_amount", value=Decimal(9999))
    assert not _find(rules, "per_person_amount", value=Decimal(3000))
    assert {r.section_title[3:] for r in rules} == {"开展好对职工的帮扶救助活动", "做好县劳模管理和服务工作",
                                                     "表彰 2025年劳动模范、先进集体", "保障工作的正常运转"}


def test_award_rules():
    rules = extract_rules(SEED_PROSE)
    [cap] = _find(rules, "headcount_cap")
    assert (cap.value, cap.unit, cap.subject, cap.source_text) == (100, "人", "表彰人数", "表彰人数不超过100人")
    [amount] = _find(rules, "per_person_amount")
    assert (amount.value, amount.unit) == (1000, "元")
    assert amount.source_text == "6月底前完成资金的发放，每个人奖励1000元"
    [june] = _find(rules, "deadline", section_title="（三）表彰 2025年劳动模范、先进集体")
    assert june.deadline == DeadlineSpec("month_end", 6, None, None, "6月底前")


def test_deadline_and_rates_of_model_worker_aid():
    rules = extract_rules(SEED_PROSE)
    [fixed] = _find(rules, "deadline", section_title="（二）做好县劳模管理和服务工作")
    assert (fixed.deadline.kind, fixed.deadline.month, fixed.deadline.day) == ("fixed", 6, 30)
    assert "冀财规〔2022〕7号" in fixed.source_text
    [rate] = _find(rules, "rate_target", subject="救助率")
    assert (rate.value, rate.unit, rate.direction, rate.population) == (100, "%", "=", "困难劳模")
    [satisfaction] = _find(rules, "rate_target", subject="满意率")
    assert (satisfaction.value, satisfaction.direction) == (95, ">=")


def test_rate_targets_keep_metric_words_and_drop_repeats():
    rules = extract_rules(SEED_PROSE)
    aid = [r for r in rules if r.section_title.endswith("帮扶救助活动")]
    assert [(r.subject, r.value) for r in aid] == [("帮扶救助率", 90), ("满意度", 90), ("完成及时率", 100), ("资金使用率", 30)]
    running = [(r.population, r.subject, r.value) for r in rules if r.section_title.endswith("正常运转")]
    assert running == [("教职工", "满意度", 90), ("退休干部工作运转", "保障率", 100), ("退休干部", "满意度", 90)]


def test_matching_to_seed_projects():
    rules = extract_rules(SEED_PROSE)
    match_rules_to_projects(rules, SEED_PROJECTS)
    by_section = {}
    for rule in rules:
        by_section.setdefault(rule.section_title[3:], set()).add(rule.project_code)
    assert by_section == {"开展好对职工的帮扶救助活动": {"AID"}, "做好县劳模管理和服务工作": {"AID"},
                          "表彰 2025年劳动模范、先进集体": {"AWARD"}, "保障工作的正常运转": {"FUNDS"}}


def test_unmatched_rules_stay_unassigned():
    rules = extract_rules(["二、分项绩效目标", "（一）宣传教育", "绩效指标：宣传覆盖率达到80%以上。", "三、工作保障措施"])
    match_rules_to_projects(rules, SEED_PROJECTS)
    assert [(r.kind, r.subject, r.project_code) for r in rules] == [("rate_target", "覆盖率", None)]


def test_other_county_phrasing():
    prose = ["二、分项绩效目标", "（二）金秋助学", "绩效指标：每人资助2000元，资助人数不超过48人；9月30日前发放到位。",
             "（三）表彰", "先进集体不超过15个；2000元/人；60人以内。", "三、工作保障措施"]
    rules = extract_rules(prose)
    summary = [(r.kind, r.value, r.unit, r.deadline.text if r.deadline else None) for r in rules]
    assert summary == [
        ("per_person_amount", 2000, "元", None), ("headcount_cap", 48, "人", None),
        ("deadline", None, None, "9月30日前"), ("headcount_cap", 15, "个", None),
        ("per_person_amount", 2000, "元", None), ("headcount_cap", 60, "人", None),
    ]
