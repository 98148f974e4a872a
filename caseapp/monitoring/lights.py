"""Traffic lights of the monitoring: completion progress against the time elapsed (or the spending plan)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

GREEN, YELLOW, RED = "green", "yellow", "red"
LIGHT_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", None: "—"}
_ORDER = {None: 0, GREEN: 1, YELLOW: 2, RED: 3}
_FROM_LIKELIHOOD = {"确定能": GREEN, "有可能": YELLOW, "完全不可能": RED}
HUNDRED = Decimal(100)


def percent(n, d) -> Decimal | None:
    """n / d in percent with two decimals; None when d is 0."""
    if not d:
        return None
    return (Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def time_elapsed(month: int) -> Decimal:
    """The share of the year gone at the end of ``month``, in percent (7月: 58.33)."""
    return percent(month, 12)


def light(progress: Decimal | None, elapsed: Decimal, green_gap: int, yellow_gap: int) -> str | None:
    """Green while progress lags the time by at most ``green_gap`` points, yellow up to ``yellow_gap``, else red."""
    if progress is None:
        return None
    gap = elapsed - min(progress, HUNDRED)
    if gap <= green_gap:
        return GREEN
    return YELLOW if gap <= yellow_gap else RED


def with_likelihood(data_light: str | None, likelihood: str | None) -> str | None:
    """The worse of the light from the data and the one the entered 完成目标可能性 implies."""
    entered = _FROM_LIKELIHOOD.get(likelihood or "")
    return max((data_light, entered), key=lambda value: _ORDER[value])
