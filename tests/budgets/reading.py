"""Reading a document in tests the way the import service does, without a database."""
from __future__ import annotations

from caseapp.budgets.importer.document import ParsedDocument
from caseapp.budgets.importer.prose_rules import match_rules_to_projects
from caseapp.budgets.importer.questions import Answers
from caseapp.budgets.importer.reader import read_document


def parse(data: bytes, kind: str = "docx", **answers) -> ParsedDocument:
    """The document read with ``answers``, prose rules matched to projects by code and table rules to theirs."""
    document = read_document(data, kind, Answers(**answers))
    match_rules_to_projects([r for r in document.rules if r.project_index is None], document.projects)
    for rule in document.rules:
        if rule.project_index is not None:
            rule.project_code = document.projects[rule.project_index].code
    return document
