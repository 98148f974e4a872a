"""Importing 绩效目标 documents (.docx and .xlsx) of any province's layout: read, ask, preview, write.

One job per module: ``cells`` (the grid interface) with ``docx_source`` and ``xlsx_source`` behind it,
``labels`` (every synonym), ``tables`` (finding the regions of a grid), ``header`` and ``funds`` (a
project's header block and its money), ``indicators`` and ``flat`` (indicator blocks, a department's flat
table), ``targets``, ``prose_rules`` and ``cell_rules``, ``questions`` and ``asks`` (what the user must
decide), ``reader`` (the walk through a document), ``identity``, ``validation``, ``diff``, ``rule_store``,
``templates`` and ``service`` (preview and confirm). The service's API is re-exported here.
"""
from caseapp.budgets.importer.questions import Answers, Question
from caseapp.budgets.importer.service import (STATUS_LABELS, ImportPreview, ProjectPreview, clean_filename, confirm,
                                              document_kind, preview)

__all__ = ["STATUS_LABELS", "Answers", "ImportPreview", "ProjectPreview", "Question", "clean_filename", "confirm",
           "document_kind", "preview"]
