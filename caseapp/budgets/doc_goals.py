"""The goals of the document's first part (部门整体绩效目标): 总体绩效目标 and each 分项绩效目标, as written.

The department's self-evaluation (部门整体支出绩效自评表) sets each goal against what was achieved, so the
import keeps them. A table of contents (headings without bodies) yields nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete

from caseapp.budgets.models import DocumentGoal
from caseapp.budgets.importer.cells import squash
from caseapp.core.db import db

_OVERALL_RE = re.compile(r"^[一1][、.]?(?:部门)?(?:整体)?总体(?:绩效)?目标")
_SUB_RE = re.compile(r"^[二2][、.]?分项(?:绩效)?目标")
_TOP_RE = re.compile(r"^(?:[一二三四五六七八九十][、.]|第[一二]部分)")
_SUBSECTION_RE = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
_BOOKMARK_RE = re.compile(r"^\[bookmark:[^\]]*\]")


@dataclass
class ParsedGoal:
    """One goal: kind (overall / sub), its title and its paragraphs joined."""

    kind: str
    title: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        """The goal's paragraphs as one text."""
        return "\n".join(self.paragraphs)


def parse_goals(paragraphs: list[str]) -> list[ParsedGoal]:
    """总体绩效目标 (one goal) and the sub-sections of 分项绩效目标 (one goal each), in document order."""
    goals: list[ParsedGoal] = []
    section = None
    for paragraph in paragraphs:
        line = _BOOKMARK_RE.sub("", paragraph.strip())
        squashed = squash(line)
        if _OVERALL_RE.match(squashed):
            section = "overall"
            goals.append(ParsedGoal("overall", "总体绩效目标", []))
        elif _SUB_RE.match(squashed):
            section = "sub"
        elif _TOP_RE.match(squashed):
            section = None
        elif section == "sub" and _SUBSECTION_RE.match(squashed):
            goals.append(ParsedGoal("sub", line[:200], []))
        elif section and squashed and goals:
            goals[-1].paragraphs.append(line)
    return [g for g in goals if g.paragraphs]


def store_goals(year: int, org_id: int, paragraphs: list[str]) -> int:
    """Replace the year's stored goals of ``org_id`` with the document's; returns how many were stored."""
    goals = parse_goals(paragraphs)
    if not goals:
        return 0  # a document without a first part keeps what an earlier import stored
    db.session.execute(delete(DocumentGoal).where(DocumentGoal.year == year, DocumentGoal.org_id == org_id))
    db.session.add_all(DocumentGoal(year=year, org_id=org_id, position=i, kind=g.kind, title=g.title,
                                    text=g.text) for i, g in enumerate(goals))
    return len(goals)
