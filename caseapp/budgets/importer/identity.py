"""Which stored project each document project is: by 项目编码, else by name within the year and organisation.

A project without a code keeps the code the user gives, or the one it got at its first import, or a
generated N2025-… code; a later document that does give the code takes over the named project.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.importer.document import ParsedProject
from caseapp.budgets.importer.questions import Answers, check_code
from caseapp.budgets.models import Project
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.scoping import in_scope
from caseapp.orgs.models import Organisation

CODE_SOURCES = {"document": "文件中的编码", "answer": "手工填写", "stored": "沿用已导入同名项目的编码",
                "generated": "系统生成（按名称识别）", "pending": "填写预算年度后生成"}


@dataclass
class Identity:
    """A document project matched to its stored project (None: new) and where its code came from."""

    parsed: ParsedProject
    stored: Project | None
    #: document / answer / stored / generated / pending (no year yet)
    code_source: str

    @property
    def code_generated(self) -> bool:
        """Whether the project is known by its name, not by a code from the document or the user."""
        if self.code_source == "stored":
            return self.stored.code_generated
        return self.code_source == "generated"


def identify(projects: list[ParsedProject], year: int, org: Organisation, answers: Answers) -> list[Identity]:
    """Give every project its code and its stored counterpart; sets ``parsed.code`` where the document had none."""
    codes = [p.code for p in projects if p.code] + [answers.codes[p.name] for p in projects
                                                      if not p.code and p.name in answers.codes]
    by_code = _stored_by_code(year, codes)
    by_name = _stored_by_name(year, org, [p.name for p in projects])
    return [_identify(p, year, org, answers, by_code, by_name) for p in projects]


def _identify(parsed: ParsedProject, year: int, org: Organisation, answers: Answers,
              by_code: dict[str, Project], by_name: dict[str, Project]) -> Identity:
    named = by_name.get(parsed.name)
    if parsed.code:
        renamed = named if named is not None and named.code_generated else None
        return Identity(parsed, by_code.get(parsed.code) or renamed, "document")
    if parsed.name in answers.codes:
        check_code(answers.codes[parsed.name], parsed.name)
        parsed.code = answers.codes[parsed.name]
        return Identity(parsed, by_code.get(parsed.code) or named, "answer")
    if named is not None:
        parsed.code = named.code
        return Identity(parsed, named, "stored")
    parsed.code = generated_code(year, org, parsed.name)
    return Identity(parsed, by_code.get(parsed.code), "generated")


def generated_code(year: int, org: Organisation, name: str) -> str:
    """A stable code for a project the document gives none: N2025-1A2B3C4D (same name, same code)."""
    digest = hashlib.sha256(f"{org.id}:{year}:{name}".encode()).hexdigest()[:8].upper()
    return f"N{year}-{digest}"


def _stored_by_code(year: int, codes: list[str]) -> dict[str, Project]:
    """Stored projects of the year by code; one outside the actor's scope refuses the import."""
    if not codes:
        return {}
    stmt = (select(Project).where(Project.year == year, Project.code.in_(codes))
            .options(selectinload(Project.plan_points), selectinload(Project.indicators)))
    found = {p.code: p for p in db.session.scalars(stmt)}
    for code, project in found.items():
        if not in_scope(project.org_id):
            raise Conflict(f"{year}年的项目 {code} 属于其他组织，不能在这里导入", field="file")
    return found


def _stored_by_name(year: int, org: Organisation, names: list[str]) -> dict[str, Project]:
    """The organisation's stored projects of the year by name (for documents without codes)."""
    names = [n for n in names if n]
    if not names:
        return {}
    stmt = (select(Project).where(Project.year == year, Project.org_id == org.id, Project.name.in_(names))
            .order_by(Project.id).options(selectinload(Project.plan_points), selectinload(Project.indicators)))
    found: dict[str, Project] = {}
    for project in db.session.scalars(stmt):
        found.setdefault(project.name, project)
    return found
