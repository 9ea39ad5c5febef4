"""Solver fraction and its exact Poisson (Garwood) interval."""

import math

import pandas as pd
import pytest

from rsparity.stats import poisson_interval, solver_fraction
from rsparity.tables import paper_rows

# Exact 95 % limits for a Poisson mean, from published tables (Garwood 1936;
# e.g. Ulm 1990, Am J Epidemiol 131:373).
GARWOOD = [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (2, 0.242, 7.225),
    (5, 1.624, 11.668),
    (10, 4.795, 18.390),
]


@pytest.mark.parametrize("s,lo,hi", GARWOOD)
def test_poisson_interval_matches_tables(s, lo, hi):
    got_lo, got_hi = poisson_interval(s)
    assert got_lo == pytest.approx(lo, abs=6e-4) and got_hi == pytest.approx(hi, abs=6e-4)


def test_large_counts_do_not_underflow():
    lo, hi = poisson_interval(2000)
    assert 1900 < lo < 2000 < hi < 2100


def test_solver_fraction_counts_censored_runs():
    got = solver_fraction([100, 300, 1000], [True, True, False])
    assert got["solves"] == 2 and got["total_trials"] == 1400
    assert got["p"] == 2 / 1400 and got["expected_trials"] == 700
    assert got["p_lo"] < got["p"] < got["p_hi"]


def test_no_solve_gives_upper_bound_only():
    got = solver_fraction([10**6] * 3, [False] * 3)
    assert got["p"] == 0 and got["p_lo"] == 0 and got["expected_trials"] == math.inf
    assert got["p_hi"] == pytest.approx(3.689 / 3e6, rel=1e-3)


def test_paper_rows_label_sort_and_compare_with_the_paper():
    """Rows come back net-major in the paper's order, variants in table order, and
    the paper's mean is flagged inside/outside our CI (a no-solve row has hi = inf)."""
    rows = []
    for arch, noise in (("A2noself", 0.0), ("A1", 0.2), ("A1", 0.0)):
        for order, readout in (("sync", "last"), ("layered", "last")):
            lo, hi = (300.0, math.inf) if order == "sync" else (200.0, 400.0)
            rows.append(
                {
                    "arch": arch,
                    "hidden": 1,
                    "noise": noise,
                    "order": order,
                    "readout": readout,
                    "expected_lo": lo,
                    "expected_hi": hi,
                }
            )
    reported = {"A1": 2906, "A1_noise": 41400, "A2noself": 250}
    out = paper_rows(pd.DataFrame(rows), reported)
    assert out["key"].tolist() == ["A1"] * 2 + ["A1_noise"] * 2 + ["A2noself"] * 2
    assert out["variant"].tolist() == ["layered / last", "sync / last"] * 3
    assert out["net"].tolist()[::2] == [
        "A1, H = 1",
        "A1, H = 1, input noise +-0.2",
        "A2noself, H = 1",
    ]
    assert out["paper"].tolist() == [2906, 2906, 41400, 41400, 250, 250]
    # 2906 and 41400 lie above 200-400 and inside [300, inf); 250 the other way round
    assert out["paper_inside"].tolist() == [False, True, False, True, True, False]
