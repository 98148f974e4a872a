"""Sample sizes, proportional allocation, the seeded draw and the Wilson interval (pure maths, no database)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.surveys import sampling


@pytest.mark.parametrize("population, expected", [(39, 36), (50, 45), (100, 80), (300, 169), (1000, 278)])
def test_sample_size_at_95_percent_and_5_percent(population, expected):
    size = sampling.sample_size(population, 0.95, 0.05)
    assert size.n == expected
    assert round(size.z, 3) == 1.960 and round(size.n0, 2) == 384.15


def test_sample_size_never_exceeds_the_frame_and_grows_with_confidence():
    assert sampling.sample_size(5).n == 5 and sampling.sample_size(0).n == 0
    assert sampling.sample_size(1000, 0.99, 0.05).n > sampling.sample_size(1000, 0.95, 0.05).n
    assert sampling.sample_size(1000, 0.95, 0.03).n > 278


@given(st.dictionaries(st.text(max_size=3), st.integers(min_value=0, max_value=500), min_size=1, max_size=8),
       st.data())
def test_proportional_allocation_sums_to_n_and_fits_each_stratum(sizes, data):
    n = data.draw(st.integers(min_value=0, max_value=sum(sizes.values())))
    quotas = sampling.allocate(sizes, n)
    assert sum(quotas.values()) == n
    assert all(0 <= quotas[k] <= sizes[k] for k in sizes)
    total = sum(sizes.values()) or 1
    assert all(abs(quotas[k] - n * sizes[k] / total) < 1 for k in sizes)  # never more than one off the share


def test_largest_remainder_goes_to_the_largest_share():
    assert sampling.allocate({"魏城镇": 20, "双井镇": 12, "院堡镇": 7}, 36) == {"魏城镇": 19, "双井镇": 11, "院堡镇": 6}
    assert sampling.allocate({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}  # ties: name order


def test_the_same_seed_draws_the_same_positions_and_another_seed_others():
    strata = ["甲"] * 60 + ["乙"] * 30 + ["丙"] * 10
    first, again = sampling.draw(strata, 36, 8, seed=20250101), sampling.draw(strata, 36, 8, seed=20250101)
    assert first == again
    assert sampling.draw(strata, 36, 8, seed=7).sample != first.sample
    assert len(set(first.sample)) == 36 and not set(first.sample) & set(first.reserve) and len(first.reserve) == 8
    per_stratum = [strata[i] for i in first.sample]
    assert (per_stratum.count("甲"), per_stratum.count("乙"), per_stratum.count("丙")) == (22, 11, 3)


def test_reserve_is_twenty_percent_rounded_up():
    assert sampling.reserve_count(36, 20) == 8 and sampling.reserve_count(80, 20) == 16
    assert sampling.reserve_count(5, 0) == 0


def test_wilson_interval():
    low, high = sampling.wilson(81, 100)
    assert round(low, 4) == 0.7222 and round(high, 4) == 0.8749
    low, high = sampling.wilson(36, 36)  # everyone satisfied: the upper bound is 1, the lower one below it
    assert high == 1.0 and round(low, 4) == 0.9036
    assert sampling.wilson(0, 0) == (0.0, 1.0)
