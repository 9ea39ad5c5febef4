"""Statistics of trials-to-first-solve.

Every trial solves independently with the same probability p, so trials to
the first solve are geometric.  Over a set of runs with s solves in T trials
in total (an unsolved run contributes its max_trials: censored), the maximum
likelihood estimate is p = s / T.  With p tiny and T large, s is Poisson with
mean pT to excellent approximation, so the 95 % interval for p is the exact
Poisson (Garwood) interval for s divided by T; with s = 0 it gives the upper
bound.  Pure Python: no scipy.
"""

from __future__ import annotations

import math


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    if mean == 0:
        return 1.0
    logs = [i * math.log(mean) - mean - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(v - top) for v in logs))


def _root(f, lo: float, hi: float) -> float:
    """Root of a monotone function f with a sign change on [lo, hi], by bisection."""
    f_lo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (f(mid) > 0) == (f_lo > 0):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def poisson_interval(s: int, level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided (Garwood) interval for a Poisson mean after observing s events."""
    alpha = 1 - level
    hi_bracket = s + 20 * math.sqrt(s + 1) + 20
    upper = _root(lambda m: _poisson_cdf(s, m) - alpha / 2, 0.0, hi_bracket)
    if s == 0:
        return 0.0, upper
    lower = _root(lambda m: 1 - _poisson_cdf(s - 1, m) - alpha / 2, 0.0, hi_bracket)
    return lower, upper


def solver_fraction(trials: list[int], solved: list[bool], level: float = 0.95) -> dict:
    """p = solves / total trials with its interval, and the implied expected trials 1/p."""
    total = int(sum(trials))
    s = int(sum(bool(x) for x in solved))
    lo, hi = poisson_interval(s, level)
    p = s / total
    return {
        "solves": s,
        "total_trials": total,
        "p": p,
        "p_lo": lo / total,
        "p_hi": hi / total,
        "expected_trials": 1 / p if s else math.inf,
        "expected_lo": total / hi,
        "expected_hi": total / lo if lo else math.inf,
    }
