"""The e2e tests share the staff fixture (the county union, two townships, one user per role)."""
from tests.e2e.browser import staff  # noqa: F401
