"""Importing a 绩效目标 document: preview what it would change, then write it in the caller's transaction."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from caseapp.budgets.doc_goals import store_goals
from caseapp.budgets.docx_import import DocumentError, ParsedDocument, ParsedProject, parse_targets_document
from caseapp.budgets.import_diff import FieldChange, apply_project, project_changes
from caseapp.budgets.models import Project, Rule, TargetImport
from caseapp.budgets.prose_rules import ProposedRule
from caseapp.core.audit import record
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.officefile import OfficeFileError
from caseapp.core.scoping import in_scope, require_role
from caseapp.orgs.models import Organisation

log = logging.getLogger("caseapp.budgets")

STATUS_LABELS = {"new": "新增", "changed": "有变化", "unchanged": "无变化"}
#: Column widths of the models, checked before writing so PostgreSQL never truncates or refuses.
_LIMITS = (("code", "项目编码", 40), ("name", "项目名称", 300), ("heading", "标题", 400))
#: The parser's warning when a header table states no unit it knows (it then assumes 万元): refused here,
#: since "单位：千元" read as 万元 would store ten times the money.
_UNIT_MISSING = "项目“{label}”未注明金额单位，已按万元处理，请核对"
_INDICATOR_LIMITS = (("level1", "一级指标", 40), ("level2", "二级指标", 60), ("level3", "三级指标", 200))


@dataclass
class ProjectPreview:
    """One project of the document and what importing it would do to the stored one."""

    parsed: ParsedProject
    status: str  #: new / changed / unchanged
    changes: list[FieldChange]
    existing_id: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class RulePreview:
    """A rule proposed by the prose, with the project it would be attached to."""

    index: int
    rule: ProposedRule
    project_code: str | None
    #: 'confirmed' / 'rejected' when an earlier import's identical rule was already decided (not re-proposed)
    decided: str | None = None


@dataclass
class ImportPreview:
    """Everything an import would write, for the admin to review; nothing is stored yet."""

    year: int
    org: Organisation
    filename: str
    sha256: str
    document: ParsedDocument
    projects: list[ProjectPreview]
    rules: list[RulePreview]
    warnings: list[str]

    def codes_with(self, status: str) -> list[str]:
        """Project codes whose status is ``status``."""
        return [p.parsed.code for p in self.projects if p.status == status]

    def rules_of(self, code: str | None) -> list[RulePreview]:
        """The proposed rules matched to ``code`` (None: unmatched)."""
        return [r for r in self.rules if r.project_code == code]


def preview(data: bytes, filename: str, year: int | None = None, org: str | None = None) -> ImportPreview:
    """Parse and compare with the stored projects of the year (admins only); writes nothing."""
    require_role("admin")
    document = _parse(data)
    target_org = _resolve_org(org)
    warnings = list(document.warnings)
    year = _resolve_year(document, year, warnings)
    _validate(document)
    if document.org_name and document.org_name != target_org.name:
        warnings.append(f"文件中的单位是“{document.org_name}”，将导入到“{target_org.name}”，请核对")
    existing = _existing_projects(year, [p.code for p in document.projects])
    projects = [_project_preview(p, existing.get(p.code), target_org) for p in document.projects]
    decided = _decided_rules(year, target_org.id)
    rules = [RulePreview(i, r, r.project_code, decided.get(_rule_key(r))) for i, r in enumerate(document.rules)]
    return ImportPreview(year, target_org, clean_filename(filename), hashlib.sha256(data).hexdigest(), document,
                         projects, rules, warnings)


def confirm(data: bytes, filename: str, year: int | None, org_code: str | None,
            rule_matches: dict[int, str | None] | None = None) -> TargetImport:
    """Write the document's projects, indicators and proposed rules; flushes, never commits."""
    plan = preview(data, filename, year, org_code)
    _apply_matches(plan, rule_matches or {})
    stored = _existing_projects(plan.year, [p.parsed.code for p in plan.projects])
    projects = {p.parsed.code: apply_project(p.parsed, plan.year, plan.org, stored.get(p.parsed.code))
                for p in plan.projects}
    replaced, created = _replace_rules(plan, projects)
    store_goals(plan.year, plan.org.id, plan.document.prose)
    changes = {"created": plan.codes_with("new"), "unchanged": plan.codes_with("unchanged"),
               "updated": {p.parsed.code: [c.label for c in p.changes] for p in plan.projects if p.changes},
               "rules": {"proposed": created, "replaced": replaced}}
    principal = current_principal()
    target_import = TargetImport(year=plan.year, org_id=plan.org.id, filename=plan.filename, sha256=plan.sha256,
                                 changes=changes, actor_name=principal.username if principal else "")
    db.session.add(target_import)
    _flush()
    record("budgets.import_targets", target_import, after=changes, summary=_summary(plan, created))
    return target_import


def _parse(data: bytes) -> ParsedDocument:
    """Parse, turning every refusal of the file into a Chinese ValidationFailed."""
    try:
        return parse_targets_document(data)
    except (DocumentError, OfficeFileError) as exc:
        raise ValidationFailed(str(exc), field="file") from exc
    except Exception as exc:  # a malformed part python-docx trips over: still the user's file, not our bug
        log.warning("unreadable targets document: %s", type(exc).__name__)
        raise ValidationFailed("无法读取该 Word 文档，请在 Word 中打开并另存为 .docx 后再上传", field="file") from exc


def _resolve_org(code: str | None) -> Organisation:
    """The named organisation in scope; default the actor's own, or the root for the operator."""
    principal = current_principal()
    if code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code.strip()))
        if org is None or not in_scope(org.id):
            raise ValidationFailed(f"找不到组织 {code}", field="org")
        return org
    if principal is not None and principal.org_id is not None:
        return db.session.get(Organisation, principal.org_id)
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id))
    if root is None:
        raise ValidationFailed("还没有任何组织，请先创建县总工会", field="org")
    return root


def _resolve_year(document: ParsedDocument, year: int | None, warnings: list[str]) -> int:
    """The year given, else the document's; a range check either way."""
    if year is None:
        year = document.year
    elif document.year and document.year != year:
        warnings.append(f"文件标题为{document.year}年，将按{year}年导入")
    if year is None:
        raise ValidationFailed("未能从文件标题识别预算年度，请指定年度", field="year")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(f"预算年度 {year} 不在 2000–2100 之间", field="year")
    return year


def _validate(document: ParsedDocument) -> None:
    """Refuse the whole document when a cell cannot be stored; the message names table, row and cell."""
    seen: set[str] = set()
    for number, project in enumerate(document.projects, start=1):
        label = project.name or project.code or project.heading or "未命名项目"
        where = f"第{number}个项目表（{label}）"
        if _UNIT_MISSING.format(label=label) in document.warnings:
            raise ValidationFailed(f"{where}未注明金额单位或单位无法识别（只支持“单位：万元”或“单位：元”），"
                                   "为免金额按错误单位入库，未导入任何数据", field="file")
        _validate_header(project, where, seen)
        for row, indicator in enumerate(project.indicators, start=1):
            for attr, label, limit in _INDICATOR_LIMITS:
                if len(getattr(indicator, attr)) > limit:
                    raise ValidationFailed(f"{where}的绩效指标表第{row}行“{label}”超过 {limit} 个字", field="file")


def _validate_header(project: ParsedProject, where: str, seen: set[str]) -> None:
    """Code, name, budget and plan cells of one header table."""
    if not project.code:
        raise ValidationFailed(f"{where}缺少“项目编码”单元格的内容", field="file")
    if project.code in seen:
        raise ValidationFailed(f"{where}的项目编码 {project.code} 与前面的项目重复", field="file")
    seen.add(project.code)
    for attr, label, limit in _LIMITS:
        if len(getattr(project, attr)) > limit:
            raise ValidationFailed(f"{where}的“{label}”超过 {limit} 个字", field="file")
    if project.budget_fen is None:
        raise ValidationFailed(f"{where}的“预算数”单元格为空或无法识别为金额（单位：{project.unit}）", field="file")
    months = [month for month, _ in project.spending_plan]
    if len(set(months)) != len(months):
        raise ValidationFailed(f"{where}的“资金支出计划”有重复的月份", field="file")
    for month, percent in project.spending_plan:
        if not 0 <= percent <= 100:
            raise ValidationFailed(f"{where}的“资金支出计划”{month}月底为 {percent}%，应在 0–100% 之间",
                                   field="file")


def _existing_projects(year: int, codes: list[str]) -> dict[str, Project]:
    """Stored projects of the year by code; one outside the actor's scope refuses the import."""
    stmt = (select(Project).where(Project.year == year, Project.code.in_(codes))
            .options(selectinload(Project.plan_points), selectinload(Project.indicators)))
    found = {p.code: p for p in db.session.scalars(stmt)}
    for code, project in found.items():
        if not in_scope(project.org_id):
            raise Conflict(f"{year}年的项目 {code} 属于其他组织，不能在这里导入", field="file")
    return found


def _project_preview(parsed: ParsedProject, existing: Project | None, org: Organisation) -> ProjectPreview:
    """New, changed (with the field-by-field diff) or unchanged."""
    if existing is None:
        return ProjectPreview(parsed, "new", [], None)
    changes = project_changes(parsed, existing, org)
    return ProjectPreview(parsed, "changed" if changes else "unchanged", changes, existing.id)


def _rule_key(rule: ProposedRule | Rule) -> tuple:
    """What makes two rules the same statement: kind, sentence, value, unit."""
    value = None if rule.value is None else rule.value.normalize()
    return rule.kind, rule.source_text, value, rule.unit or None


def _decided_rules(year: int, org_id: int) -> dict[tuple, str]:
    """Rules of the year already confirmed or rejected, by their key."""
    stmt = select(Rule).where(Rule.year == year, Rule.org_id == org_id, Rule.status != "proposed")
    return {_rule_key(rule): rule.status for rule in db.session.scalars(stmt)}


def _apply_matches(plan: ImportPreview, matches: dict[int, str | None]) -> None:
    """Override the suggested project of rules by index; the code must be one the year knows."""
    known = {p.parsed.code for p in plan.projects} | set(
        db.session.scalars(select(Project.code).where(Project.year == plan.year, Project.org_id == plan.org.id)))
    for index, code in matches.items():
        if not 0 <= int(index) < len(plan.rules):
            raise ValidationFailed(f"第{int(index) + 1}条规则不存在", field="rules")
        if code and code not in known:
            raise ValidationFailed(f"项目编码 {code} 不在{plan.year}年的项目中", field="rules")
        plan.rules[int(index)].project_code = code or None


def _replace_rules(plan: ImportPreview, projects: dict[str, Project]) -> tuple[int, int]:
    """Drop the year's still-proposed rules and propose the document's; decided rules stay as they are."""
    stale = db.session.scalars(select(Rule).where(Rule.year == plan.year, Rule.org_id == plan.org.id,
                                                  Rule.status == "proposed")).all()
    for rule in stale:
        db.session.delete(rule)
    created = 0
    for item in plan.rules:
        if item.decided is None:
            db.session.add(_new_rule(item, plan, projects))
            created += 1
    return len(stale), created


def _new_rule(item: RulePreview, plan: ImportPreview, projects: dict[str, Project]) -> Rule:
    """A proposed Rule row from the parsed rule."""
    rule, deadline = item.rule, item.rule.deadline
    project = projects.get(item.project_code) if item.project_code else None
    if project is None and item.project_code:
        project = db.session.scalar(select(Project).where(Project.year == plan.year,
                                                          Project.code == item.project_code))
    return Rule(year=plan.year, org_id=plan.org.id, project=project, kind=rule.kind,
                subject=(rule.subject or "")[:100], value=rule.value, unit=rule.unit,
                source_text=rule.source_text, section_title=rule.section_title[:200],
                deadline_kind=deadline.kind if deadline else None,
                deadline_month=deadline.month if deadline else None,
                deadline_day=deadline.day if deadline else None,
                festival=deadline.festival if deadline else None,
                festival_before="day" if deadline and deadline.festival else None, status="proposed")


def _flush() -> None:
    """Flush; a concurrent import of the same year and code becomes a Conflict, not a 500."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict("另一项导入同时写入了相同的项目，请稍后重新导入") from exc


def _summary(plan: ImportPreview, rules: int) -> str:
    """One line for the audit log."""
    counts = {s: len(plan.codes_with(s)) for s in STATUS_LABELS}
    return (f"导入{plan.year}年绩效目标《{plan.filename}》到{plan.org.name}：新增{counts['new']}个项目，"
            f"更新{counts['changed']}个，无变化{counts['unchanged']}个；待确认规则{rules}条")


def clean_filename(filename: str) -> str:
    """The base name only, shortened to fit the column."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name or "未命名.docx")[:300]
