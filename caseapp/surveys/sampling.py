"""Sampling maths: the sample size formula, proportional allocation, the seeded draw, the Wilson interval.

Pure functions with no database access, so the draw is the same on every engine: the frame arrives already
in a deterministic order and ``random.Random(seed)`` does the rest.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist
from typing import Hashable, Sequence, TypeVar

T = TypeVar("T")
#: float noise in an exact result (e.g. 80.0000000001) must not round up to the next person
_EPSILON = 1e-9


@dataclass(frozen=True)
class SampleSize:
    """n with the inputs of the formula, as shown to the finance bureau."""

    population: int  #: N
    confidence: float
    margin: float  #: e
    proportion: float  #: p
    z: float
    n0: float  #: z²·p(1−p)/e²
    n: int  #: n₀ / (1 + (n₀ − 1)/N), rounded up


def z_for(confidence: float) -> float:
    """The two-sided normal quantile: 0.95 → 1.959964."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def sample_size(population: int, confidence: float = 0.95, margin: float = 0.05,
                proportion: float = 0.5) -> SampleSize:
    """n₀ = z²·p(1−p)/e², with the finite-population correction, rounded up (never more than N)."""
    if population < 0 or not 0 < margin < 1 or not 0 < proportion < 1:
        raise ValueError("population, margin or proportion out of range")
    z = z_for(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    n = 0 if population == 0 else min(population, math.ceil(n0 / (1 + (n0 - 1) / population) - _EPSILON))
    return SampleSize(population, confidence, margin, proportion, z, n0, n)


def allocate(sizes: dict[Hashable, int], n: int) -> dict[Hashable, int]:
    """Proportional allocation of ``n`` over strata of ``sizes`` by largest remainder; sums to n exactly.

    Ties in the remainder go to the larger stratum, then to the stratum that sorts first, so the result never
    depends on dictionary order.
    """
    total = sum(sizes.values())
    if n > total:
        raise ValueError("cannot draw more than the frame holds")
    if total == 0:
        return {key: 0 for key in sizes}
    # integer arithmetic: n·size = quota·total + remainder, so equal shares tie exactly (no float noise)
    quotas = {key: n * size // total for key, size in sizes.items()}
    remainders = {key: n * size % total for key, size in sizes.items()}
    left = n - sum(quotas.values())
    for key in sorted(sizes, key=lambda k: (-remainders[k], -sizes[k], str(k)))[:left]:
        quotas[key] += 1
    return quotas


@dataclass
class Draw:
    """Positions (indexes into the frame) of the sample and of the reserve, each in drawing order."""

    sample: list[int]
    reserve: list[int]


def draw(strata: Sequence[Hashable], n: int, reserve: int, seed: int) -> Draw:
    """Draw ``n`` then ``reserve`` positions from a frame whose i-th member is in stratum ``strata[i]``.

    Both are allocated proportionally over the strata; each stratum is drawn with one ``random.Random(seed)``
    in stratum order (sorted by name), so the same frame order and seed give the same people anywhere.
    """
    members: dict[Hashable, list[int]] = {}
    for index, stratum in enumerate(strata):
        members.setdefault(stratum, []).append(index)
    rng = random.Random(seed)
    quotas = allocate({k: len(v) for k, v in members.items()}, n)
    sample: list[int] = []
    rest: dict[Hashable, list[int]] = {}
    for key in sorted(members, key=str):
        chosen = rng.sample(members[key], quotas[key])
        sample += chosen
        picked = set(chosen)
        rest[key] = [i for i in members[key] if i not in picked]
    reserve = min(reserve, sum(len(v) for v in rest.values()))
    spare = allocate({k: len(v) for k, v in rest.items()}, reserve)
    reserve_list: list[int] = []
    for key in sorted(rest, key=str):
        reserve_list += rng.sample(rest[key], spare[key])
    rng.shuffle(reserve_list)  # one queue across strata; replacement prefers the same stratum
    return Draw(sample, reserve_list)


def reserve_count(n: int, percent: int) -> int:
    """The reserve list's length: ``percent`` % of n, rounded up."""
    return math.ceil(n * percent / 100 - _EPSILON)


def wilson(successes: float, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (bounds between 0 and 1); (0, 1) when nothing was observed."""
    if total <= 0:
        return 0.0, 1.0
    z = z_for(confidence)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def new_seed() -> int:
    """A fresh seed to record with the survey (fits a 32-bit column)."""
    import secrets

    return secrets.randbelow(2**31 - 1)
