"""Imports every model module so that metadata and mappers see all tables (migrations, tests)."""
from caseapp.areas import area_modules
from caseapp.core import audit, stash  # noqa: F401

MODEL_MODULES = area_modules("models")
