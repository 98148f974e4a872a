"""Discovery of the business-area packages: their models, blueprints, API modules, CLI commands.

Each area is a package under ``caseapp/`` with the same file names (``models.py``, ``views.py`` with a
``bp`` blueprint, ``api.py`` adding routes to the shared API blueprint, ``cli.py`` with a ``COMMANDS``
list). Discovery keeps adding an area a matter of creating its package, not of editing shared lists.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import caseapp

_SKIP = {"core", "templates", "static", "api"}


def area_names() -> list[str]:
    """The area packages, in name order."""
    return sorted(m.name for m in pkgutil.iter_modules(caseapp.__path__) if m.ispkg and m.name not in _SKIP)


def area_modules(module: str) -> list[ModuleType]:
    """Import ``caseapp.<area>.<module>`` for every area that has it."""
    found = []
    for area in area_names():
        name = f"caseapp.{area}.{module}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found
