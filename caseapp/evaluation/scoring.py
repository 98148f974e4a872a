"""The scoring formulas and the weights, as pure functions (no database).

Weights are integers in hundredths of a point, so that a group's weight spread over its indicators, and the
weights rescaled after leaving out what does not apply, always add up exactly. A fraction (0–1) of a weight
is scored; points are rounded half up to two decimals.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Hashable

from caseapp.core.errors import ValidationFailed

CENT = Decimal("0.01")
FULL = 10000  #: 100 points in hundredths
ONE, ZERO = Decimal(1), Decimal(0)


def ge_fraction(actual: Decimal, target: Decimal) -> Decimal:
    """≥ and =: the whole weight at or above the target, else actual / target (never below 0)."""
    if actual >= target:
        return ONE
    return max(actual, ZERO) / target if target > 0 else ZERO


def le_fraction(actual: Decimal, target: Decimal, formula: str) -> Decimal:
    """≤: the whole weight up to the target; above it 1 − (A−T)/T down to 0 at 2T (domain) or T/A (ratio)."""
    if actual <= target:
        return ONE
    if target <= 0:
        return ZERO
    if formula == "ratio":
        return target / actual
    return max(ONE - (actual - target) / target, ZERO)


def parts_fraction(actual: dict, targets: dict) -> Decimal:
    """A compound target (先进集体20个，先进劳模100名): the mean of each part's ≥ fraction."""
    if not targets:
        return ZERO
    fractions = [ge_fraction(Decimal(actual.get(label, 0)), Decimal(t)) for label, t in targets.items()]
    return sum(fractions, ZERO) / len(fractions)


def points(weight_centi: int, fraction: Decimal) -> Decimal:
    """The score of ``fraction`` of a weight, in points with two decimals (half up)."""
    return (Decimal(weight_centi) / 100 * fraction).quantize(CENT, ROUND_HALF_UP)


def weight_points(weight_centi: int) -> Decimal:
    """A weight in points (1667 → 16.67)."""
    return (Decimal(weight_centi) / 100).quantize(CENT)


def over_achieved(actual: Decimal, target: Decimal, direction: str, threshold_percent: int) -> bool:
    """A ≥ / = target far exceeded (A ≥ threshold % of T): the target was probably set too low."""
    return direction in (">=", "=", "parts") and target > 0 and actual * 100 >= target * threshold_percent


def band_percent(bands, band: str, score: Decimal, weight: Decimal) -> Decimal:
    """The score of a qualitative indicator as a % of its weight, refused outside the chosen band."""
    found = next(((low, high) for name, low, high in bands if name == band), None)
    if found is None:
        raise ValidationFailed(f"请选择定性指标的档次（{'、'.join(b[0] for b in bands)}）", field="band")
    low, high = (weight * Decimal(p) / 100 for p in found)
    if not low.quantize(CENT, ROUND_HALF_UP) <= score <= high.quantize(CENT, ROUND_HALF_UP):
        raise ValidationFailed(f"“{band}”的得分应在 {low.quantize(CENT)} 到 {high.quantize(CENT)} 分之间"
                               f"（分值 {weight} 分的 {found[0]}%–{found[1]}%）", field="score")
    return (score * 100 / weight).quantize(Decimal("0.0001"), ROUND_HALF_UP) if weight > 0 else ZERO


def grade(total: Decimal, grade_bands) -> str:
    """The grade of a total: the first band (best first) whose lowest total it reaches."""
    for name, lowest in grade_bands:
        if total >= lowest:
            return name
    return grade_bands[-1][0]


def spread(group_centi: int, n: int) -> list[int]:
    """A group's weight over ``n`` indicators as equally as hundredths allow (the first ones get the rest)."""
    if n <= 0:
        return []
    base, extra = divmod(group_centi, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


@dataclass(frozen=True)
class WeightRow:
    """One scored line: the execution row or an indicator, its group, an edited weight, whether it applies,
    and the 分值/权重 the document gave it."""

    key: Hashable
    group: str
    custom_centi: int | None
    applicable: bool
    document: Decimal | None = None


def nominal_weights(rows: list[WeightRow], group_weights: dict) -> dict:
    """Each row's weight before rescaling, group by group: the evaluator's edited weights when every row of the
    group has one; else the document's 分值 when every row has one (their proportions, scaled to the group's
    weight); else equal shares."""
    result = {}
    for group, group_centi in group_weights.items():
        members = [r for r in rows if r.group == group]
        if members and all(r.custom_centi is not None for r in members):
            result.update({r.key: r.custom_centi for r in members})
        elif members and all(r.document is not None for r in members) and sum(r.document for r in members) > 0:
            result.update(_largest_remainder({r.key: Decimal(r.document) for r in members}, group_centi))
        else:
            result.update(zip([r.key for r in members], spread(group_centi, len(members))))
    return result


def effective_weights(rows: list[WeightRow], group_weights: dict) -> dict:
    """The weights scored: rows that do not apply get 0 and the others are rescaled to exactly 100 points."""
    nominal = nominal_weights(rows, group_weights)
    kept = {r.key: Decimal(nominal[r.key]) for r in rows if r.applicable}
    result = {r.key: 0 for r in rows}
    if sum(kept.values()) == 0:
        return result
    result.update(_largest_remainder(kept, FULL))
    return result


def _largest_remainder(shares: dict, total: int) -> dict:
    """Integers proportional to ``shares`` adding up to exactly ``total`` (table order breaks ties)."""
    whole = sum(shares.values())
    exact = {k: v * total / whole for k, v in shares.items()}
    floors = {k: int(v) for k, v in exact.items()}
    order = sorted(shares, key=lambda k: exact[k] - floors[k], reverse=True)  # stable sort keeps table order
    for k in order[:total - sum(floors.values())]:
        floors[k] += 1
    return floors
