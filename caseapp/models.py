"""Imports every model module so that metadata and mappers see all tables (migrations, tests)."""
from caseapp.auth import models as auth_models  # noqa: F401
from caseapp.budgets import models as budget_models  # noqa: F401
from caseapp.core import audit  # noqa: F401
from caseapp.orgs import models as org_models  # noqa: F401
