"""The README's claims (rsparity.report) and number formats (rsparity.fmt), on constructed data."""

import math

import pandas as pd
import pytest

from rsparity import fmt, report

REPORTED = {"A1": 2906.0, "A2": 2797.0, "A2noself": 250.0, "A1_noise": 41400.0}
NETS = [("A1", 1, 0.0), ("A2", 10, 0.0), ("A2noself", 10, 0.0), ("A1", 1, 0.2)]
VARIANTS = [("layered", "last"), ("layered", "extra"), ("sync", "extra"), ("sync", "last")]


def paper_summary(intervals):
    """A paper-study summary: ``intervals[(key, order, readout)] = (lo, mean, hi)`` for
    the cells that solve; every other cell never solved (mean inf, lower bound 5e4)."""
    rows = []
    for arch, hidden, noise in NETS:
        key = arch + ("_noise" if noise else "")
        for order, readout in VARIANTS:
            lo, mean, hi = intervals.get((key, order, readout), (5e4, math.inf, math.inf))
            solved = math.isfinite(mean)
            rows.append(
                {
                    "arch": arch,
                    "hidden": hidden,
                    "order": order,
                    "readout": readout,
                    "noise": noise,
                    "runs": 100,
                    "solved_runs": 60 if solved else 0,
                    "solves": 60 if solved else 0,
                    "max_trials": 10_000,
                    "median_trials": 5000.0,
                    "expected_trials": mean,
                    "expected_lo": lo,
                    "expected_hi": hi,
                }
            )
    return pd.DataFrame(rows)


def test_the_variant_matching_most_nets_is_the_one_said_to_reproduce_the_paper():
    layered = {
        ("A1", "layered", "last"): (7000.0, 8800.0, 11000.0),
        ("A2", "layered", "last"): (2700.0, 3300.0, 4100.0),
        ("A2noself", "layered", "last"): (200.0, 240.0, 290.0),
    }
    ctx = report.paper_context(paper_summary(layered), REPORTED)
    assert ctx["best"]["variant"] == "layered / last"
    assert ctx["best"]["matches"] == ["A2, H = 10", "A2noself, H = 10"]
    others = [v["variant"] for v in ctx["others"]]
    assert others == ["layered / extra", "sync / extra", "sync / last"]
    assert ctx["a1_open"] and ctx["a1_ratio"] == pytest.approx(8800 / 2906)
    # a table where sync / extra matches three nets (A1 among them) changes both claims
    sync = {
        **layered,
        ("A1", "sync", "extra"): (2000.0, 2900.0, 3500.0),
        ("A2", "sync", "extra"): (2000.0, 2800.0, 3500.0),
        ("A1_noise", "sync", "extra"): (30000.0, 40000.0, 50000.0),
    }
    ctx = report.paper_context(paper_summary(sync), REPORTED)
    assert ctx["best"]["variant"] == "sync / extra"
    assert len(ctx["best"]["matches"]) == 3 and ctx["best"]["solving_nets"] == 3
    assert not ctx["a1_open"]  # A1's interval contains 2,906 in one variant


def test_censored_cells_are_shown_as_bounds():
    ctx = report.paper_context(paper_summary({}), REPORTED)
    row = ctx["rows"][0]
    assert row["mean_is_bound"] and row["median_is_bound"]
    assert report.median_text({"solves": 3, "solved_runs": 51, "runs": 100}) == {
        "mean_is_bound": False,
        "median_is_bound": False,
    }
    assert report.median_text({"solves": 3, "solved_runs": 50, "runs": 100})["median_is_bound"]


def summary_row(solves, trials, lo, hi, **extra):
    return {"solves": solves, "total_trials": trials, "p_lo": lo, "p_hi": hi, **extra}


def test_flat_in_n_and_overlap():
    rows = [summary_row(5, 100_000, 2e-5, 1.2e-4), summary_row(4, 50_000, 2e-5, 2e-4)]
    assert report.pooled_p(rows) == 9 / 150_000
    assert report.flat(rows)
    rows.append(summary_row(50, 100_000, 3.7e-4, 6.6e-4))
    assert not report.flat(rows)
    assert report.overlap(rows[0], rows[1]) and not report.overlap(rows[0], rows[2])


def test_same_first_solver_counts_matching_seeds():
    runs = [
        {"weight_scale": 30.0, "seed": 0, "trials": 10},
        {"weight_scale": 30.0, "seed": 1, "trials": 20},
        {"weight_scale": 100.0, "seed": 0, "trials": 10},
        {"weight_scale": 100.0, "seed": 1, "trials": 21},
        {"weight_scale": 3.0, "seed": 0, "trials": 10},
    ]
    assert report.same_first_solver(runs, 30.0, 100.0) == {"same": 1, "seeds": 2}
    assert report.same_first_solver(runs, 30.0, 1.0) is None


def test_trace_plateau_is_the_best_before_the_final_jump():
    trace = {
        "every": 10,
        "sample_size": 100,
        "best": {"trial": [1, 5, 40, 90], "correct": [50, 60, 74, 100]},
        "sampled": {"trial": [1, 10, 20, 30], "correct": [50, 52, 70, 49]},
    }
    ctx = report.trace_context(trace)
    assert ctx["plateau"] == {"trial": 40, "accuracy": 0.74}
    assert ctx["near_chance"] == 0.75 and ctx["sampled"] == 4


def test_scaling_rows_join_seed0_and_reference():
    study = {
        "runs": [{"n": 20, "seed": 0, "trials": 7}, {"n": 20, "seed": 1, "trials": 9}],
        "summary": [{"n": 20, "p": 1e-4}, {"n": 40, "p": 2e-4}],
    }
    rows = report.scaling_rows(study, {20: 2218})
    assert rows[0]["seed0"] == 7 and rows[0]["reference"] == 2218
    assert rows[1]["seed0"] is None and rows[1]["reference"] is None


@pytest.mark.parametrize(
    "value,cell",
    [(True, "yes"), (12345, "12,345"), (2048.0, "2,048"), (0.5, "0.5"), (7.7e-5, "7.70e-05")],
)
def test_cell_format(value, cell):
    assert fmt.cell(value) == cell


def test_number_formats():
    assert fmt.cell(math.nan) == "-" and fmt.cell(math.inf) == "inf"
    assert fmt.pct(1.0) == "100.00%" and fmt.pct(math.nan) == "-" and fmt.pct(None) == "-"
    assert fmt.integer(10252.6) == "10,253"
    assert fmt.number(41.8123) == "41.8" and fmt.number(math.inf) == "inf"
    assert fmt.sci(7.74e-5) == "7.7e-5" and fmt.sci(1.25e-6, 3) == "1.25e-6"
    assert fmt.sci_tex(2.5e-6) == r"$2.5 \times 10^{-6}$"


def _headline():
    return {
        "params": {"arch": "full", "n": 50, "seed": 0},
        "trials": 10_253,
        "weights": {"W_hh": [[3.0, 0.0], [0.0, 4.0]]},
        "timing": {"wallclock_s": 0.9},
    }


def test_the_headline_wallclock_is_the_benchmarks_timing_alone_when_it_is_the_same_search():
    from rsparity.report import headline_context

    alone = {"headline": {"params": _headline()["params"], "trials": 10_253, "wallclock_s": 0.1}}
    got = headline_context(_headline(), alone)
    assert got["alone"] and got["wallclock_s"] == 0.1 and got["w_hh_frobenius"] == 5.0
    other = {"headline": {**alone["headline"], "trials": 7}}  # not the same search
    for bench in (other, {}, None):
        got = headline_context(_headline(), bench)
        assert not got["alone"] and got["wallclock_s"] == 0.9


def test_cost_context_keeps_searches_and_gradient_cells_apart():
    from rsparity.report import cost_context

    cost = {
        "total": {"jobs": 12, "cpu_s": 600.0, "untimed": 0, "this_run": 12},
        "groups": {
            "paper": {"jobs": 5, "cpu_s": 60.0},
            "gradient": {"jobs": 2, "cpu_s": 480.0, "this_run": 2},
        },
        "run": {"started": 0, "cores": 2, "wall_s": 300.0, "cpu_s": 720.0, "made_every_record": 1},
    }
    got = cost_context(cost)
    assert got["jobs"] == 10 and got["cpu_min"] == 2.0 and got["gradient_wall_min"] == 8.0
    assert got["run_cpu_min"] == 12.0 and got["wall_min"] == 5.0 and got["rebuild"]
    assert got["reran"] == 10 and got["reran_gradient"] == 2
    # the run's CPU beyond the searches' own: 720 s - (600 - 480) s of searches = 10 min
    assert got["rest_cpu_min"] == 10.0


def variants_summary(cells):
    """An a1_variants summary (layered / last): ``cells[(variant, key)] = (lo, mean, hi)``;
    ``mean`` inf for a cell that never solved."""
    nets = {(a + ("_noise" if n else "")): (a, h, n) for a, h, n in NETS}
    rows = []
    for (variant, key), (lo, mean, hi) in cells.items():
        arch, hidden, noise = nets[key]
        solved = math.isfinite(mean)
        rows.append(
            {
                "arch": arch,
                "hidden": hidden,
                "order": "layered",
                "readout": "last",
                "noise": noise,
                "variant": variant,
                "runs": 100,
                "solved_runs": 60 if solved else 0,
                "solves": 60 if solved else 0,
                "max_trials": 10_000,
                "median_trials": 5000.0,
                "expected_trials": mean,
                "expected_lo": lo,
                "expected_hi": hi,
                "min_heldout_accuracy": 1.0 if solved else math.nan,
            }
        )
    return pd.DataFrame(rows)


NEVER = (2.7e5, math.inf, math.inf)
INSIDE = {
    "A1": (2000.0, 2900.0, 3500.0),
    "A2": (2400.0, 3000.0, 3700.0),
    "A2noself": (200.0, 240.0, 290.0),
    "A1_noise": (30000.0, 40000.0, 50000.0),
}


def test_a1_variants_no_single_detail():
    cells = {
        ("no_output_bias", "A1"): (4400.0, 5500.0, 6900.0),
        ("no_hidden_self", "A1"): (3600.0, 4400.0, 5500.0),
        ("no_output_self", "A1"): NEVER,
        ("inputs01", "A1"): (6200.0, 7800.0, 10000.0),
    }
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED)
    assert ctx["verdict"] == "none" and ctx["best"] is None and ctx["fixing"] == []
    assert ctx["closest"]["variant"] == "no_hidden_self"
    assert ctx["closest"]["ratio"] == pytest.approx(4400 / 2906)
    assert [r["variant"] for r in ctx["rows"]] == [v for v, _ in cells]
    assert not any(r["paper_inside"] for r in ctx["rows"])
    assert ctx["rows"][2]["mean_is_bound"] and ctx["rows"][0]["order_readout"] == "layered / last"
    assert ctx["never"] == ["no_output_self"] and ctx["faster"] == [] and ctx["baseline"] is None


def test_a1_variants_one_detail_matches_all_four():
    cells = {("no_output_bias", "A1"): (4400.0, 5500.0, 6900.0)}
    cells |= {("bias_range_1", key): interval for key, interval in INSIDE.items()}
    cells |= {("threshold", "A1"): INSIDE["A1"], ("threshold", "A2"): (9000.0, 1e4, 2e4)}
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED)
    assert ctx["verdict"] == "all_four" and ctx["best"] == "bias_range_1"
    assert ctx["fixing"] == ["bias_range_1", "threshold"]
    assert ctx["matching"] == ["bias_range_1"]
    assert ctx["breaking"] == {"bias_range_1": [], "threshold": ["A2, H = 10"]}
    keys = [r["key"] for r in ctx["rows"] if r["variant"] == "bias_range_1"]
    assert keys == ["A1", "A1_noise", "A2", "A2noself"]


def test_a1_variants_a_detail_that_fixes_a1_breaks_another_net():
    cells = {("inputs01", key): interval for key, interval in INSIDE.items()}
    cells[("inputs01", "A2noself")] = NEVER
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED)
    assert ctx["verdict"] == "breaks_other" and ctx["best"] == "inputs01"
    assert ctx["breaking"] == {"inputs01": ["A2noself, H = 10"]} and ctx["matching"] == []


def test_a1_variants_a_fix_whose_other_nets_did_not_run():
    cells = {("threshold", "A1"): INSIDE["A1"], ("threshold", "A2"): INSIDE["A2"]}
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED)
    assert ctx["verdict"] == "untested" and ctx["best"] == "threshold"
    assert ctx["breaking"] == {"threshold": []} and ctx["matching"] == []


def test_a1_variants_baseline_row_comes_from_the_paper_study():
    paper = paper_summary({("A1", "layered", "last"): (7000.0, 8800.0, 11000.0)})
    paper["min_heldout_accuracy"] = 1.0
    cells = {("no_hidden_self", "A1"): (3600.0, 4400.0, 5500.0)}
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED, paper)
    first = ctx["rows"][0]
    assert first["baseline"] and first["variant"] == "none"
    assert first["expected_trials"] == 8800.0 and first["order_readout"] == "layered / last"
    assert [r["variant"] for r in ctx["rows"]] == ["none", "no_hidden_self"]
    assert ctx["variants"] == ["no_hidden_self"] and ctx["verdict"] == "none"
    assert ctx["faster"] == ["no_hidden_self"] and ctx["never"] == []
    assert ctx["baseline"]["expected_trials"] == 8800.0
    # a baseline inside the interval is no variant's fix
    paper = paper_summary({("A1", "layered", "last"): INSIDE["A1"]})
    ctx = report.a1_variants_context(variants_summary(cells), REPORTED, paper)
    assert ctx["rows"][0]["paper_inside"] and ctx["fixing"] == []
