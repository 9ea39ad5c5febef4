"""One table row per trained cell, with an exact binomial interval (the best learning rate
per cell is chosen in :func:`rsparity.gradient.tables.summary_frame`)."""

from __future__ import annotations

import math
import statistics
from typing import Any

CONFIDENCE = 0.95
KEYS = ("net", "hidden", "method", "regime", "init", "batch", "n")
"""The settings a row starts with."""


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return math.fsum(math.comb(n, i) * p**i * (1.0 - p) ** (n - i) for i in range(k + 1))


def _solve(f, target: float) -> float:
    """p in [0, 1] where the decreasing function ``f`` crosses ``target`` (bisection)."""
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if f(mid) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clopper_pearson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a binomial proportion k / n.

    Lower end: the p with P(X >= k | p) = alpha / 2 (0 if k = 0); upper: the p
    with P(X <= k | p) = alpha / 2 (1 if k = n), alpha = 1 - confidence.
    """
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    alpha = 1.0 - confidence
    lo = 0.0 if k == 0 else _solve(lambda p: _binomial_cdf(k - 1, n, p), 1.0 - alpha / 2)
    hi = 1.0 if k == n else _solve(lambda p: _binomial_cdf(k, n, p), alpha / 2)
    return lo, hi


def _median(values: list) -> float | None:
    return float(statistics.median(values)) if values else None


def cell_row(record: dict) -> dict[str, Any]:
    """One row of a :func:`rsparity.gradient.train.train_cell` record: settings, solves,
    their Clopper-Pearson 95 % interval, medians over the solvers, budgets."""
    params = record["params"]
    runs = record["restarts"]
    wins = [r for r in runs if r["solved"]]
    p_low, p_high = clopper_pearson(len(wins), len(runs))
    held = [r["heldout_accuracy"] for r in wins]
    return {
        **{k: params[k] for k in KEYS[:-1]},
        "lr": params["lr"],
        "n": params["n"],
        "restarts": len(runs),
        "solved": len(wins),
        "p_low": p_low,
        "p_high": p_high,
        "median_epochs": _median([r["epochs"] for r in wins]),
        "median_sequence_steps": _median([r["sequence_steps"] for r in wins]),
        "min_heldout_accuracy": min(held) if held else None,
        "sequence_steps_budget": record["sequence_steps_budget"],
        "epochs_budget": record["epochs_budget"],
    }
