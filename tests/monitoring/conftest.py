"""The monitoring tests use the evaluation tests' 2025 union."""
from tests.evaluation.conftest import other_county, union  # noqa: F401
