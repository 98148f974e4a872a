"""Per-organisation import templates: the answers given for one document layout, reused next time."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.budgets.importer.questions import Answers
from caseapp.budgets.models import ImportTemplate
from caseapp.core.db import db


def find_template(org_id: int, shape: str) -> ImportTemplate | None:
    """The organisation's template for documents of this layout."""
    return db.session.scalar(select(ImportTemplate).where(ImportTemplate.org_id == org_id,
                                                          ImportTemplate.shape == shape))


def template_answers(template: ImportTemplate | None) -> Answers | None:
    """A template's stored answers (None without a template)."""
    return None if template is None else Answers.from_json(template.answers)


def remember(org_id: int, shape: str, answers: Answers, filename: str,
             year_offset: int | None) -> ImportTemplate | None:
    """Store (or extend) the organisation's answers for this layout, if there are any; flushes only."""
    kept = Answers(unit=answers.unit, codes=answers.codes, columns=answers.columns, tables=answers.tables,
                   year_offset=year_offset)
    if kept.is_empty():
        return None
    template = find_template(org_id, shape)
    if template is None:
        template = ImportTemplate(org_id=org_id, shape=shape, answers={}, filename=filename[:300])
        db.session.add(template)
    merged = kept.over(template_answers(template) if template.answers else None).as_json()
    if template.answers != merged:
        template.answers = merged
    db.session.flush()
    return template
