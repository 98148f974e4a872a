"""Survey fixtures: the world (organisations, staff, the aid project) on both engines."""
import pytest

from tests.surveys.helpers import build_world


@pytest.fixture
def world(app, operator):
    return build_world()
