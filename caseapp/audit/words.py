"""The audit log in words: what each action code, object type and recorded field means, and values as people
read them (names, 2025年6月30日 14:05, ¥1,000.00, 是/否), so auditors never see codes, table names or escapes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from caseapp.core.calendar import format_date_zh
from caseapp.core.money import format_yuan

ACTIONS: dict[str, str] = {
    "award_category.create": "新增评选类别", "award_category.update": "修改评选类别",
    "award_event.create": "新建评选活动", "award_recipient.nominate": "提名获奖对象",
    "award_recipient.status": "获奖对象状态变更",
    "benefit_rule.create": "新增帮扶标准", "benefit_rule.update": "修改帮扶标准",
    "budgets.import_targets": "导入绩效目标", "budgets.rule_status": "确认或停用规则",
    "evaluation.approve": "绩效自评审核通过", "evaluation.create": "新建绩效自评",
    "evaluation.department_create": "新建部门整体自评", "evaluation.department_goals": "填写部门整体目标完成情况",
    "evaluation.indicator": "填写指标自评", "evaluation.overall": "填写自评总体情况", "evaluation.return": "绩效自评退回",
    "evaluation.settings": "修改自评设置", "evaluation.submit": "提交绩效自评", "evaluation.weights": "修改评分权重",
    "hardship_file.create": "新建困难职工档案", "hardship_file.review": "档案年度复核",
    "hardship_file.status": "档案状态变更", "hardship_file.update": "修改困难职工档案",
    "hardship_threshold.save": "保存困难类别标准",
    "holiday_override.create": "调整节假日", "holiday_override.delete": "撤销节假日调整",
    "indicators.manual_value": "填写指标完成值", "indicators.rollup": "计算指标完成值",
    "keys.rotate": "更换数据密钥",
    "modelworker.create": "登记劳模", "modelworker.update": "修改劳模信息",
    "monitoring.save": "保存运行监控表",
    "org.create": "新建组织", "org.update": "修改组织信息",
    "payment.aid_cap": "设置帮扶类型年度上限", "payment.aid_type_add": "新增帮扶类型",
    "payment.aid_types_seed": "初始化帮扶类型", "payment.bank_export_full": "导出完整账号的银行代发文件",
    "payment.budget_cap": "设置项目预算上限", "payment.meeting": "记录集体研究会议",
    "payment.objection": "登记公示异议", "payment.objection_resolve": "处理公示异议",
    "payment.publicize_backdated": "补录公示", "payment.register": "登记款项", "payment.settings": "修改款项设置",
    "payment.review": "款项审核通过", "payment.approve": "款项集体研究通过", "payment.publicize": "款项开始公示",
    "payment.pay": "款项发放", "payment.confirm": "款项确认到账", "payment.return": "款项银行退回",
    "payment.reject": "款项驳回", "payment.cancel": "款项撤销", "payment.reverse": "款项冲正",
    "person.create": "登记人员", "person.update": "修改人员信息", "person.view_full": "查看完整个人信息",
    "reminders.queue": "生成提醒邮件", "reminders.retry_dead": "重新发送提醒邮件",
    "roster.export_full": "导出完整信息名册", "roster.import": "导入名册",
    "survey.assign_callers": "分配回访员", "survey.close": "结束满意度调查", "survey.create": "新建满意度调查",
    "survey.export_full": "导出含完整电话的回访表", "survey.finding_resolved": "处理回访发现的问题",
    "survey.import": "导入回访结果", "survey.print_links": "打印问卷二维码", "survey.reopen": "重新打开满意度调查",
    "survey.reserve_exhausted": "备选名单用完", "survey.view_phone": "查看完整电话",
    "user.create": "新建用户", "user.enable": "启用用户", "user.disable": "停用用户", "user.login": "登录",
    "user.logout": "退出登录", "user.password_change": "修改密码", "user.password_reset": "重置密码",
    "user.token_issue": "签发接口令牌", "user.update": "修改用户",
    "jobs.run": "立即运行后台任务", "audit.export": "导出审计日志",
}

#: the filter's groups: an action code prefix and what it covers
GROUPS: dict[str, str] = {
    "payment.": "款项", "person.": "人员", "hardship_file.": "困难职工档案", "award_": "评选表彰",
    "modelworker.": "劳模", "survey.": "满意度调查", "evaluation.": "绩效自评", "monitoring.": "运行监控",
    "budgets.": "预算与规则", "indicators.": "绩效指标", "user.": "用户与登录", "org.": "组织",
    "roster.": "名册", "reminders.": "提醒邮件", "jobs.": "后台任务", "keys.": "密钥", "holiday_override.": "节假日",
    "hardship_threshold.": "困难类别标准", "benefit_rule.": "帮扶标准", "audit.": "审计日志",
}

OBJECTS: dict[str, str] = {
    "award_categories": "评选类别", "award_events": "评选活动", "award_recipients": "获奖对象",
    "benefit_rules": "帮扶标准", "target_imports": "绩效目标导入", "rules": "规则", "evaluations": "绩效自评",
    "department_evaluations": "部门整体自评", "hardship_files": "困难职工档案", "hardship_thresholds": "困难类别标准",
    "holiday_overrides": "节假日调整", "indicator_rollups": "指标完成值", "indicators": "绩效指标",
    "model_workers": "劳模", "organisations": "组织", "payment_batch": "一批款项", "payment_items": "款项",
    "payment_meetings": "集体研究会议", "payment_publicity": "公示", "payment_objections": "公示异议",
    "payment_bank_file": "银行代发文件", "payment_settings": "款项设置", "aid_types": "帮扶类型",
    "persons": "人员", "surveys": "满意度调查", "survey_members": "回访对象", "users": "用户", "projects": "项目",
    "budget_projects": "项目", "monitoring_reports": "运行监控表", "reminder_digests": "提醒邮件", "rosters": "名册",
    "job_runs": "后台任务", "audit_events": "审计日志", "keys": "密钥",
}

FIELDS: dict[str, str] = {
    "name": "名称", "username": "用户名", "display_name": "姓名", "email": "电子邮箱", "roles": "角色", "org": "组织",
    "org_id": "组织", "code": "代码", "parent": "上级组织", "status": "状态", "reason": "原因", "note": "备注",
    "item_ids": "款项", "items": "笔数", "amount_fen": "金额", "amount": "金额", "person": "人员", "person_id": "人员",
    "recipient": "领款人", "project": "项目", "project_id": "项目", "aid_type": "帮扶类型", "aid_type_id": "帮扶类型",
    "period": "所属期间", "paid_on": "发放日期", "bank_batch": "银行批次号", "settled_on": "到账日期",
    "meeting_date": "会议日期", "meeting_id": "集体研究会议", "minutes_no": "纪要编号", "attendees": "参会人员",
    "id_number": "身份证号", "sex": "性别", "ethnicity": "民族", "work_unit": "工作单位", "phone": "电话",
    "bank_name": "开户行", "bank_account": "银行账号", "account_holder": "户名", "category": "类别",
    "suggested_category": "建议类别", "category_reason": "类别说明", "main_cause": "主要致困原因",
    "secondary_causes": "其他致困原因", "needs": "帮扶需求", "year": "年度", "level": "级别", "title": "称号",
    "year_awarded": "授予年份", "awarded_by": "授予单位", "held_on": "举办日期", "categories": "类别",
    "kind": "类型", "collective": "集体", "contact": "联系人", "contact_phone": "联系电话", "max_count": "名额",
    "deep_max_fen": "深度困难标准", "relative_max_fen": "相对困难标准", "basis": "依据", "created": "新增",
    "updated": "更新", "unchanged": "无变化", "method": "方式", "sampling": "抽样方法", "frame_size": "抽样框人数",
    "sample_size": "样本人数", "reserve_size": "备选人数", "seed": "随机种子", "strata": "分层", "completed": "完成人数",
    "response_rate": "应答率", "satisfaction_rate": "满意率", "ci_low": "置信区间下限", "ci_high": "置信区间上限",
    "rule": "计算规则", "valid": "有效人数", "drawn": "抽中人数", "format": "格式", "full_name": "单位全称",
    "supervision_phone": "监督电话", "address": "地址", "disabled": "已停用", "active": "启用",
    "must_change_password": "须修改密码", "award_recipient_id": "获奖对象", "budget_fen": "预算", "cap_fen": "上限",
    "value": "数值", "job": "任务", "result": "结果", "filters": "筛选条件", "rows": "行数", "count": "数量",
    "publicity_workdays": "公示期（工作日）", "publicity_start": "公示开始", "publicity_end": "公示结束",
}

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_BOOLS = {True: "是", False: "否"}


def action_label(action: str) -> str:
    """The Chinese name of an action code (the code itself only for an action this list does not know)."""
    if action in ACTIONS:
        return ACTIONS[action]
    group = next((label for prefix, label in GROUPS.items() if action.startswith(prefix)), None)
    return f"{group}：其他操作" if group else "其他操作"


def object_label(object_type: str | None, object_id: str | None) -> str:
    """The object in words: 款项 第12号, 一批款项 (39 笔 are named in the change), 人员 第3号."""
    if not object_type:
        return ""
    label = OBJECTS.get(object_type, "其他对象")
    if object_type == "payment_batch" or not object_id or object_id == "None":
        return label
    return f"{label} 第{object_id}号" if object_id.isdigit() else f"{label} {object_id}"


def field_label(key: str, labels: dict[str, str] | None = None) -> str:
    """A recorded field's Chinese name: this list, else the model column's label, else a neutral one."""
    if key in FIELDS:
        return FIELDS[key]
    if labels and key in labels:
        return labels[key]
    return "其他信息"


def value_text(key: str, value) -> str:
    """A recorded value as people read it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return _BOOLS[value]
    if isinstance(value, (int, float)) and (key.endswith("_fen") or key == "amount_fen"):
        return format_yuan(int(value))
    if key == "roles" and isinstance(value, list):
        from caseapp.auth.roles import ROLES

        return "、".join(ROLES.get(v, v) if isinstance(v, str) else str(v) for v in value)
    if key == "item_ids" and isinstance(value, list):
        shown = "、".join(f"第{v}号" for v in value[:20])
        return f"{len(value)} 笔（{shown}{' 等' if len(value) > 20 else ''}）"
    if isinstance(value, list):
        return "、".join(value_text(key, v) if not isinstance(v, dict) else _dict_text(v) for v in value)
    if isinstance(value, dict):
        return _dict_text(value)
    if isinstance(value, str) and _DAY.match(value):
        return format_date_zh(date.fromisoformat(value))
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            return moment_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _dict_text(data: dict) -> str:
    return "；".join(f"{field_label(k)}：{value_text(k, v)}" for k, v in data.items())


def moment_text(moment: datetime | None) -> str:
    """2025年6月30日 14:05 (local time as given)."""
    if moment is None:
        return ""
    return f"{format_date_zh(moment.date())} {moment:%H:%M}"


@dataclass
class Change:
    """One field of a change: its name and the value before and after (the text shown)."""

    field: str
    before: str | None  #: None: the event recorded no "before" (a creation)
    after: str | None  #: None: the event recorded no "after" (a deletion)


#: a field named differently for some objects (a person's 名称 is their 姓名)
OBJECT_FIELDS = {"persons": {"name": "姓名"}, "users": {"name": "姓名"}, "model_workers": {"person": "姓名"}}
#: ids recorded in a change, shown as the name of what they point to
REFERENCES = {"org_id": ("organisations", "name"), "project_id": ("projects", "name"),
              "aid_type_id": ("aid_types", "name")}
_EMPTY = (None, "", [], {})


def _reference_names(key: str, ids: set) -> dict:
    """{id: name} of the rows ``ids`` of a :data:`REFERENCES` key (empty when the table is unknown)."""
    from sqlalchemy import column, select, table

    from caseapp.core.db import db

    name, field_name = REFERENCES[key]
    if name not in db.Model.metadata.tables or not ids:
        return {}
    t = table(name, column("id"), column(field_name))
    return dict(db.session.execute(select(t.c.id, t.c[field_name]).where(t.c.id.in_(ids))).all())


def changes(before: dict | None, after: dict | None, labels: dict[str, str] | None = None,
            object_type: str | None = None) -> list[Change]:
    """The readable diff of an event: every field recorded after (and before), unchanged ones left out when both
    are known, empty ones left out of a creation; ids of organisations, projects and aid types by name."""
    before, after = before or {}, after or {}
    creation = not before
    keys = list(after) + [k for k in before if k not in after]
    names = {**(labels or {}), **OBJECT_FIELDS.get(object_type or "", {})}
    refs = {key: _reference_names(key, {v for v in (before.get(key), after.get(key)) if isinstance(v, int)})
            for key in keys if key in REFERENCES}
    rows = []
    for key in keys:
        had, has = key in before, key in after
        if had and has and before[key] == after[key] or creation and after.get(key) in _EMPTY:
            continue

        def shown(value, key=key):
            return refs[key].get(value, value_text(key, value)) if key in refs else value_text(key, value)

        label = OBJECT_FIELDS.get(object_type or "", {}).get(key) or field_label(key, names)
        rows.append(Change(label, shown(before[key]) if had else None, shown(after[key]) if has else None))
    return rows


def change_text(change: Change) -> str:
    """One change as one line: 状态：申请 → 在档."""
    if change.before is None:
        return f"{change.field}：{change.after}"
    if change.after is None:
        return f"{change.field}：{change.before} → （删除）"
    return f"{change.field}：{change.before} → {change.after}"


SOURCES = {"web": "网页", "api": "接口", "cli": "命令行", "task": "后台任务"}
