"""Importing a 绩效目标 document: preview what it would change (and what must be answered), then write it.

Admins only; nothing is written by a preview; ``confirm`` flushes in the caller's transaction and refuses
while a question is open. Answers come from the user (page, ``--map``, ``--year``/``--unit``) and from the
organisation's template for the document's layout; confirming remembers them in that template.
"""
from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseapp.budgets.doc_goals import store_goals
from caseapp.budgets.importer import rule_store, templates
from caseapp.budgets.importer.cells import Block
from caseapp.budgets.importer.diff import FieldChange, apply_project, project_changes
from caseapp.budgets.importer.docx_source import docx_blocks
from caseapp.budgets.importer.document import ParsedDocument, ParsedProject
from caseapp.budgets.importer.identity import Identity, identify
from caseapp.budgets.importer.questions import Answers, Question
from caseapp.budgets.importer.reader import DocumentError, read_blocks
from caseapp.budgets.importer.rule_store import RulePreview
from caseapp.budgets.importer.validation import validate
from caseapp.budgets.importer.xlsx_source import xlsx_blocks
from caseapp.budgets.models import ImportTemplate, Project, TargetImport
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.officefile import OfficeFileError
from caseapp.core.scoping import in_scope, require_role
from caseapp.orgs.models import Organisation

log = logging.getLogger("caseapp.budgets")

STATUS_LABELS = {"new": "新增", "changed": "有变化", "unchanged": "无变化"}


@dataclass
class ProjectPreview:
    """One project of the document and what importing it would do to the stored one."""

    identity: Identity
    status: str  #: new / changed / unchanged
    changes: list[FieldChange]

    @property
    def parsed(self) -> ParsedProject:
        """The project as the document has it."""
        return self.identity.parsed

    @property
    def existing_id(self) -> int | None:
        """The stored project it updates, if any."""
        return self.identity.stored.id if self.identity.stored is not None else None

    @property
    def status_label(self) -> str:
        """新增 / 有变化 / 无变化."""
        return STATUS_LABELS[self.status]


@dataclass
class ImportPreview:
    """Everything an import would write, and what must be answered first; nothing is stored yet."""

    year: int | None
    org: Organisation
    filename: str
    sha256: str
    document: ParsedDocument
    projects: list[ProjectPreview]
    rules: list[RulePreview]
    warnings: list[str]
    questions: list[Question]
    #: the answers in force: the user's over the template's
    answers: Answers
    template: ImportTemplate | None

    def codes_with(self, status: str) -> list[str]:
        """Project codes whose status is ``status``."""
        return [p.parsed.code for p in self.projects if p.status == status]

    def rules_of(self, code: str | None) -> list[RulePreview]:
        """The proposed rules matched to ``code`` (None: unmatched)."""
        return [r for r in self.rules if r.project_code == code]


def preview(data: bytes, filename: str, year: int | None = None, org: str | None = None, *,
            answers: Answers | None = None, today: date | None = None) -> ImportPreview:
    """Read the document and compare it with the stored projects of its year (admins only); writes nothing."""
    require_role("admin")
    target_org = _resolve_org(org)
    given = answers or Answers()
    if year is not None:
        given = Answers(year=year).over(given)
    blocks = _blocks(data, filename)
    document = _read(blocks, given, None)
    template = templates.find_template(target_org.id, document.shape)
    effective = given.over(templates.template_answers(template))
    if template is not None:
        offset = effective.year_offset
        document = _read(blocks, effective, None if offset is None else (today or local_today()).year + offset)
    return _plan(document, target_org, filename, data, effective, template)


def _plan(document: ParsedDocument, org: Organisation, filename: str, data: bytes, answers: Answers,
          template: ImportTemplate | None) -> ImportPreview:
    """Identify, validate and compare the document's projects once the year is known."""
    warnings = list(document.warnings)
    if document.org_name and document.org_name != org.name:
        warnings.append(f"文件中的单位是“{document.org_name}”，将导入到“{org.name}”，请核对")
    year = document.year
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed(f"预算年度 {year} 不在 2000–2100 之间", field="year")
    if year is None:  # shown as new until the year is answered: stored projects are looked up by year
        identities = [Identity(p, None, "document" if p.code else "pending") for p in document.projects]
    else:
        identities = identify(document.projects, year, org, answers)
    validate(document, identities, any(q.kind == "unit" for q in document.questions))
    projects = [_project_preview(i, org) for i in identities]
    rules = rule_store.preview_rules(document.rules, identities, year, org.id)
    return ImportPreview(year, org, clean_filename(filename), hashlib.sha256(data).hexdigest(), document,
                         projects, rules, warnings, document.questions, answers, template)


def confirm(data: bytes, filename: str, year: int | None, org_code: str | None,
            rule_matches: dict[int, str | None] | None = None, *, answers: Answers | None = None,
            today: date | None = None) -> TargetImport:
    """Write the document's projects, indicators and proposed rules and remember the answers; flushes only."""
    today = today or local_today()
    plan = preview(data, filename, year, org_code, answers=answers, today=today)
    if plan.questions:
        raise ValidationFailed(f"导入前还有{len(plan.questions)}个问题需要回答：" + "；".join(q.message for q in plan.questions),
                               field="questions")
    known = {p.parsed.code for p in plan.projects} | set(
        db.session.scalars(select(Project.code).where(Project.year == plan.year, Project.org_id == plan.org.id)))
    rule_store.apply_matches(plan.rules, known, plan.year, rule_matches or {})
    projects = {p.parsed.code: apply_project(p.identity, plan.year, plan.org) for p in plan.projects}
    replaced, created = rule_store.replace_rules(plan.rules, plan.year, plan.org.id, projects)
    store_goals(plan.year, plan.org.id, plan.document.prose)
    changes = {"created": plan.codes_with("new"), "unchanged": plan.codes_with("unchanged"),
               "updated": {p.parsed.code: [c.label for c in p.changes] for p in plan.projects if p.changes},
               "rules": {"proposed": created, "replaced": replaced}}
    _remember(plan, today)
    principal = current_principal()
    target_import = TargetImport(year=plan.year, org_id=plan.org.id, filename=plan.filename, sha256=plan.sha256,
                                 changes=changes, actor_name=principal.username if principal else "")
    db.session.add(target_import)
    _flush()
    record("budgets.import_targets", target_import, after=changes, summary=_summary(plan, created))
    return target_import


def _remember(plan: ImportPreview, today: date) -> None:
    """Keep the answers for this layout, with the year as an offset when the document states none."""
    offset = None if plan.document.year_in_document else plan.year - today.year
    if offset is not None and abs(offset) > 2:  # an old document imported late says nothing about next year's
        offset = None
    templates.remember(plan.org.id, plan.document.shape, plan.answers, plan.filename, offset)


def document_kind(data: bytes, filename: str) -> str:
    """xlsx for workbooks (by name, or by content whatever the name), docx for everything else."""
    if filename.lower().endswith((".xlsx", ".xls")):
        return "xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xlsx" if "xl/workbook.xml" in archive.namelist() else "docx"
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "docx"


def _blocks(data: bytes, filename: str) -> list[Block]:
    """The file's blocks, every refusal of the file a Chinese ValidationFailed."""
    kind = document_kind(data, filename)
    try:
        return xlsx_blocks(data) if kind == "xlsx" else docx_blocks(data)
    except OfficeFileError as exc:
        raise ValidationFailed(str(exc), field="file") from exc
    except Exception as exc:  # a malformed part the library trips over: still the user's file, not our bug
        log.warning("unreadable targets document: %s", type(exc).__name__)
        app = "Excel" if kind == "xlsx" else "Word"
        raise ValidationFailed(f"无法读取该 {app} 文件，请在 {app} 中打开并另存为 .{kind} 后再上传",
                               field="file") from exc


def _read(blocks: list[Block], answers: Answers, fallback_year: int | None) -> ParsedDocument:
    """Read the blocks; a file that is no target document is refused."""
    try:
        return read_blocks(blocks, answers, fallback_year)
    except DocumentError as exc:
        raise ValidationFailed(str(exc), field="file") from exc


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


def _project_preview(identity: Identity, org: Organisation) -> ProjectPreview:
    """New, changed (with the field-by-field diff) or unchanged."""
    if identity.stored is None:
        return ProjectPreview(identity, "new", [])
    changes = project_changes(identity, org)
    return ProjectPreview(identity, "changed" if changes else "unchanged", changes)


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
