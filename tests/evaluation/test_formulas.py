"""The scoring formulas at their boundaries (财预〔2020〕10号 as the provinces apply it), without a database."""
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from caseapp.core.errors import ValidationFailed
from caseapp.evaluation import scoring
from caseapp.evaluation.settings import DEFAULTS


@pytest.mark.parametrize("actual, fraction", [(D(39), D(1)), (D(0), D(0)), (D(78), D(1)), (D("19.5"), D("0.5")),
                                              (D(-3), D(0))])
def test_at_least_full_at_target_proportional_below(actual, fraction):
    assert scoring.ge_fraction(actual, D(39)) == fraction


def test_at_least_zero_target_is_met_by_anything():
    assert scoring.ge_fraction(D(0), D(0)) == 1


@pytest.mark.parametrize("actual, fraction", [(D(5), D(1)), (D(0), D(1)), (D("7.5"), D("0.5")), (D(10), D(0)),
                                              (D(12), D(0)), (D("5.0001"), D("0.99998"))])
def test_at_most_domain_formula(actual, fraction):
    """≤: full up to T, falling linearly to 0 at 2T, 0 beyond."""
    assert scoring.le_fraction(actual, D(5), "domain") == fraction


@pytest.mark.parametrize("actual, fraction", [(D(5), D(1)), (D(10), D("0.5")), (D(20), D("0.25")), (D(0), D(1))])
def test_at_most_ratio_formula(actual, fraction):
    """The alternative ≤ formula some provinces use: T/A above the target."""
    assert scoring.le_fraction(actual, D(5), "ratio") == fraction


def test_at_most_zero_target():
    assert scoring.le_fraction(D(0), D(0), "domain") == 1 and scoring.le_fraction(D(1), D(0), "domain") == 0
    assert scoring.le_fraction(D(1), D(0), "ratio") == 0


def test_compound_target_averages_its_parts():
    """评选先进集体20个，先进劳模100名 with 20 collectives and 50 people: (1 + 0.5) / 2."""
    targets = {"先进集体": D(20), "先进劳模": D(100)}
    assert scoring.parts_fraction({"先进集体": 20, "先进劳模": 50}, targets) == D("0.75")
    assert scoring.parts_fraction({"先进集体": 25, "先进劳模": 100}, targets) == 1
    assert scoring.parts_fraction({}, targets) == 0


def test_points_round_half_up_and_full_score_is_exact():
    assert scoring.points(714, D(1)) == D("7.14")
    assert scoring.points(1000, D("0.12345")) == D("1.23")
    assert scoring.points(1000, D("0.1235")) == D("1.24")  # half up, never to even


@pytest.mark.parametrize("actual, over", [(D(129), False), (D(130), True), (D(200), True)])
def test_over_achievement_threshold(actual, over):
    assert scoring.over_achieved(actual, D(100), ">=", 130) is over
    assert scoring.over_achieved(actual, D(100), "<=", 130) is False


@pytest.mark.parametrize("band, score, ok", [
    ("达成年度指标", D("8.00"), True), ("达成年度指标", D("10.00"), True), ("达成年度指标", D("7.99"), False),
    ("部分达成并具有一定效果", D("6.00"), True), ("部分达成并具有一定效果", D("8.00"), True),
    ("部分达成并具有一定效果", D("8.01"), False), ("部分达成并具有一定效果", D("5.99"), False),
    ("未达成且效果较差", D("0"), True), ("未达成且效果较差", D("6.00"), True), ("未达成且效果较差", D("6.01"), False),
])
def test_qualitative_score_must_lie_in_its_band(band, score, ok):
    """Bands 80–100 %, 60–80 %, 0–60 % of the weight, limits included."""
    bands = DEFAULTS.qualitative_bands
    if ok:
        assert scoring.band_percent(bands, band, score, D(10)) == score * 10
    else:
        with pytest.raises(ValidationFailed, match="应在"):
            scoring.band_percent(bands, band, score, D(10))


def test_unknown_band_refused():
    with pytest.raises(ValidationFailed, match="档次"):
        scoring.band_percent(DEFAULTS.qualitative_bands, "很好", D(9), D(10))


@pytest.mark.parametrize("total, grade", [(D("100"), "优"), (D("90.00"), "优"), (D("89.99"), "良"), (D("80"), "良"),
                                          (D("79.99"), "中"), (D("60"), "中"), (D("59.99"), "差"), (D("0"), "差")])
def test_grades(total, grade):
    assert scoring.grade(total, DEFAULTS.grade_bands) == grade


def test_equal_spread_sums_to_the_group():
    assert scoring.spread(5000, 3) == [1667, 1667, 1666]
    assert scoring.spread(5000, 7) == [715, 715, 714, 714, 714, 714, 714]
    assert sum(scoring.spread(3000, 7)) == 3000


def test_not_applicable_indicator_is_left_out_and_the_rest_rescaled():
    """Default weights, 4 outputs: one not applicable → the other 99.99… rescale to exactly 100."""
    rows = [scoring.WeightRow("execution", "execution", None, True)] + [
        scoring.WeightRow(i, "output", None, i != 0) for i in range(4)] + [
        scoring.WeightRow(10, "benefit", None, True), scoring.WeightRow(11, "satisfaction", None, True)]
    weights = scoring.effective_weights(rows, DEFAULTS.group_weights)
    assert weights[0] == 0 and sum(weights.values()) == 10000
    # 87.5 points remain; each keeps its share: 12.5 → 14.29, 30 → 34.29, 10 → 11.43
    assert weights["execution"] == 1143 and weights[10] == 3428 and weights[11] == 1143
    assert [weights[i] for i in (1, 2, 3)] == [1429, 1429, 1428]  # the largest remainders, in table order


def test_nothing_not_applicable_keeps_the_nominal_weights():
    rows = [scoring.WeightRow("execution", "execution", None, True),
            scoring.WeightRow(1, "output", 2000, True), scoring.WeightRow(2, "output", 3000, True),
            scoring.WeightRow(3, "benefit", None, True), scoring.WeightRow(4, "satisfaction", None, True)]
    assert scoring.effective_weights(rows, DEFAULTS.group_weights) == {
        "execution": 1000, 1: 2000, 2: 3000, 3: 3000, 4: 1000}


def test_document_weights_set_the_proportions_inside_a_group():
    """分值 10/10/10/20 from the document over 产出: kept when the group weighs 50, scaled when it weighs 40."""
    rows = [scoring.WeightRow("execution", "execution", None, True)] + [
        scoring.WeightRow(i, "output", None, True, D(w)) for i, w in enumerate((10, 10, 10, 20))] + [
        scoring.WeightRow(9, "benefit", None, True, None), scoring.WeightRow(10, "satisfaction", None, True, D(5))]
    nominal = scoring.nominal_weights(rows, DEFAULTS.group_weights)
    assert [nominal[i] for i in range(4)] == [1000, 1000, 1000, 2000] and nominal[10] == 1000
    scaled = scoring.nominal_weights(rows, {**DEFAULTS.group_weights, "output": 4000, "benefit": 4000})
    assert [scaled[i] for i in range(4)] == [800, 800, 800, 1600] and scaled[9] == 4000


def test_edited_weights_win_over_the_document_and_a_partial_document_is_ignored():
    rows = [scoring.WeightRow(1, "output", 3000, True, D(10)), scoring.WeightRow(2, "output", 2000, True, D(40)),
            scoring.WeightRow(3, "benefit", None, True, D(10)), scoring.WeightRow(4, "benefit", None, True, None)]
    nominal = scoring.nominal_weights(rows, DEFAULTS.group_weights)
    assert nominal[1] == 3000 and nominal[2] == 2000 and nominal[3] == nominal[4] == 1500


group_weights = st.lists(st.integers(0, 10000), min_size=3, max_size=3).map(sorted).map(
    lambda cuts: {"execution": cuts[0], "output": cuts[1] - cuts[0], "benefit": cuts[2] - cuts[1],
                  "satisfaction": 10000 - cuts[2]})
document_weight = st.one_of(st.none(), st.decimals(0, 100, places=2))
rows_strategy = st.lists(st.tuples(st.sampled_from(["output", "benefit", "satisfaction"]),
                                   st.one_of(st.none(), st.integers(0, 10000)), st.booleans(), document_weight),
                         max_size=25)


@settings(max_examples=400, deadline=None)
@given(group_weights, rows_strategy, st.booleans())
def test_effective_weights_always_sum_to_100(groups, drawn, execution_applies):
    rows = [scoring.WeightRow("execution", "execution", None, execution_applies)] + [
        scoring.WeightRow(i, g, c, a, d) for i, (g, c, a, d) in enumerate(drawn)]
    weights = scoring.effective_weights(rows, groups)
    assert set(weights) == {r.key for r in rows} and all(w >= 0 for w in weights.values())
    assert all(weights[r.key] == 0 for r in rows if not r.applicable)
    nominal = scoring.nominal_weights(rows, groups)
    if sum(nominal[r.key] for r in rows if r.applicable) > 0:
        assert sum(weights.values()) == 10000
    else:
        assert sum(weights.values()) == 0


@settings(max_examples=200, deadline=None)
@given(group_weights, st.lists(st.tuples(st.sampled_from(["output", "benefit", "satisfaction"]), document_weight),
                               max_size=25))
def test_each_group_keeps_its_weight_exactly(groups, drawn):
    """Equal spreads and the document's 分值 scaled to the group both add up to the group's weight."""
    rows = [scoring.WeightRow("execution", "execution", None, True)] + [
        scoring.WeightRow(i, g, None, True, d) for i, (g, d) in enumerate(drawn)]
    nominal = scoring.nominal_weights(rows, groups)
    for group in {"output", "benefit", "satisfaction"} & {g for g, _d in drawn}:
        assert sum(nominal[r.key] for r in rows if r.group == group) == groups[group]
    assert nominal["execution"] == groups["execution"]
