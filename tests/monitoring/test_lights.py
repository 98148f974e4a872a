"""The lights at their thresholds: progress lagging the time by ≤10 points green, ≤20 yellow, beyond red."""
from decimal import Decimal as D

import pytest

from caseapp.monitoring import lights


@pytest.mark.parametrize("progress, expected", [
    (D("48.33"), "green"), (D("48.32"), "yellow"),  # 58.33 − 10 points
    (D("38.33"), "yellow"), (D("38.32"), "red"),  # 58.33 − 20 points
    (D("58.33"), "green"), (D("150"), "green"), (D(0), "red"), (None, None),
])
def test_light_at_july_against_the_time_elapsed(progress, expected):
    assert lights.time_elapsed(7) == D("58.33")
    assert lights.light(progress, lights.time_elapsed(7), 10, 20) == expected


def test_thresholds_are_settings():
    assert lights.light(D(40), D(50), 5, 10) == "yellow" and lights.light(D(40), D(50), 10, 20) == "green"
    assert lights.light(D(40), D(50), 0, 0) == "red"


@pytest.mark.parametrize("data, likelihood, expected", [
    ("green", "确定能", "green"), ("green", "有可能", "yellow"), ("green", "完全不可能", "red"),
    ("red", "确定能", "red"), (None, "有可能", "yellow"), (None, None, None), ("yellow", None, "yellow"),
])
def test_the_entered_likelihood_can_only_make_it_worse(data, likelihood, expected):
    assert lights.with_likelihood(data, likelihood) == expected
