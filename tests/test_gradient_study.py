"""The gradient study's config, budgets, tables, claims and figures (no training here)."""

import math

import imageio.v3 as iio
import numpy as np
import pandas as pd
import pytest

from rsparity.errors import InputError
from rsparity.gradient.claims import fails_from
from rsparity.gradient.figures import gradient_success, vanishing_gradient
from rsparity.gradient.study import budget, load_cells, load_vanishing, search_cost
from rsparity.gradient.tables import runs_frame, summary_frame
from rsparity.plots import pixel_size
from rsparity.spec import SearchSpec
from rsparity.studies import Study

BASELINE = Study(
    "gradient_baseline",
    "baseline",
    [SearchSpec(n=n, sample_size=64, seed=s) for n in (4, 6) for s in range(3)],
    ["x"] * 6,
)
PAPER = Study(
    "paper",
    "paper",
    [
        SearchSpec(arch="A1", hidden=1, n=20, weight_scale=100.0, sample_size=100, seed=s)
        for s in range(3)
    ],
    ["y"] * 3,
)
STUDIES = {"gradient_baseline": BASELINE, "paper": PAPER}


def config(*cells, **section):
    return {"gradient": {"restarts": 3, "cells": list(cells), **section}}


def test_a_cell_entry_expands_to_every_combination_once():
    entry = {"n": [4, 6], "method": ["adam", "momentum"], "lr": [0.1, 1], "sample_size": 64}
    cells = load_cells(config(entry, {"n": 4, "lr": 0.1, "sample_size": 64}), STUDIES)
    assert len(cells) == 8  # the second entry repeats a combination of the first
    assert len({c.path for c in cells}) == 8
    assert {c.spec.lr for c in cells} == {0.1, 1.0}  # lr 1 is the float 1.0 (one path)
    assert all(c.budget_factor == 10.0 for c in cells)


def test_each_restart_is_budgeted_on_the_search_of_its_own_seed():
    (cell,) = load_cells(config({"net": "full", "hidden": 8, "n": 6, "sample_size": 64}), STUDIES)
    # a larger reference net is budgeted on the reference net (H = 2) on the same data
    assert [s.seed for s in cell.baseline] == [0, 1, 2]
    assert all((s.arch, s.hidden, s.n, s.sample_size) == ("full", 2, 6, 64) for s in cell.baseline)
    (paper,) = load_cells(config({"net": "A1", "hidden": 1, "n": 20}), STUDIES)
    assert all(s.arch == "A1" and s.order == "layered" for s in paper.baseline)


def test_the_path_encodes_every_setting():
    a, b = load_cells(config({"n": 4, "sample_size": 64, "budget_factor": [10, 100]}), STUDIES)
    assert a.path != b.path and "budget_factor=100.0" in b.path
    assert a.path.startswith("results/gradient/full/hidden=2/n=4/sample_size=64/")


@pytest.mark.parametrize(
    "entry,message",
    [
        ({"n": 4, "method": "sgd", "sample_size": 64}, "gradient method: 'sgd' is not allowed"),
        ({"n": 4, "lr": -1.0, "sample_size": 64}, "gradient lr: -1.0 is not allowed"),
        ({"n": 4, "colour": "red"}, "gradient.cells[0].colour: unknown key"),
        ({"n": [], "sample_size": 64}, "gradient.cells[0].n: an empty list gives no cells"),
        ({"n": 4, "sample_size": 64, "budget_factor": 5}, "at least 10x the search's cost"),
        ({"n": 5, "sample_size": 64}, "study 'gradient_baseline' has no search with arch=full"),
        ({"n": 4, "batch": 0, "sample_size": 64}, "gradient batch: 0 is not allowed"),
    ],
)
def test_a_bad_cell_is_one_line_naming_it(entry, message):
    with pytest.raises(InputError, match="config gradient") as err:
        load_cells(config(entry), STUDIES)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_an_unknown_baseline_study_is_named():
    with pytest.raises(InputError, match="no study 'nope'"):
        load_cells(config({"n": 4}, baseline={"reference": "nope"}), STUDIES)


def test_vanishing_settings_are_checked():
    assert load_vanishing({}) is None
    got = load_vanishing({"gradient": {"vanishing": {"n": [2, 50], "seeds": 2}}})
    assert got["n"] == [2, 50] and got["init"] == ["small", "glorot", "search"]
    with pytest.raises(InputError, match="gradient.vanishing.seeds"):
        load_vanishing({"gradient": {"vanishing": {"seeds": -1}}})


def _search(solved, trials, steps, seconds=0.5):
    return {
        "solved": solved,
        "trials": trials,
        "sequence_steps": steps,
        "timing": {"wallclock_s": seconds},
    }


def test_the_budget_is_the_factor_times_the_cost_per_solve():
    cost = search_cost([_search(True, 10, 300), _search(False, 50, 1200), _search(True, 5, 99)])
    assert cost["solves"] == 2 and cost["trials"] == 65 and cost["sequence_steps"] == 1599
    assert cost["steps_per_solve"] == 799.5
    assert budget(10, cost) == 7995
    with pytest.raises(InputError, match="solved none"):
        budget(10, search_cost([_search(False, 50, 1200)]))


def _record(lr, solved, epochs, n=10, method="adam", factor=10.0):
    restarts = [
        {
            "seed": i,
            "epochs_budget": 10,
            "sequence_steps_per_epoch": 3000,
            "solved": i < solved,
            "epochs": epochs if i < solved else None,
            "sequence_steps": epochs * 3000 if i < solved else None,
            "train_accuracy": 1.0 if i < solved else 0.5,
            "heldout_accuracy": 0.99 if i < solved else None,
            "heldout_long_accuracy": 0.98 if i < solved else None,
            "final_loss": 0.1,
        }
        for i in range(4)
    ]
    params = {"net": "full", "hidden": 2, "n": n, "method": method, "lr": lr, "regime": "fixed"}
    params |= {"init": "small", "batch": 128, "restarts": 4, "sample_size": 100}
    return {
        "params": params,
        "sequence_steps_budget": 30_000,
        "epochs_budget": 10,
        "sequence_steps_per_epoch": 3000,
        "restarts": restarts,
        "budget_factor": factor,
        "search": {"searches": 4, "solves": 2, "trials": 200, "sequence_steps": 6000},
    }


def _fix(record):
    record["search"]["steps_per_solve"] = 3000.0
    record["search"]["seconds"] = 1.0
    return record


def test_the_summary_keeps_the_best_learning_rate_of_each_cell():
    records = [
        _fix(_record(0.1, 2, 7)),
        _fix(_record(0.01, 2, 5)),  # as many solves, fewer epochs: the best
        _fix(_record(1.0, 0, 0)),
        _fix(_record(0.1, 1, 3, factor=100.0)),  # another cell: another budget
    ]
    runs = runs_frame(records)
    summary = summary_frame(runs)
    assert len(runs) == 4 and len(summary) == 2
    best = summary[summary["budget_factor"] == 10.0].iloc[0]
    assert best["lr"] == 0.01 and best["lrs_tried"] == 3 and best["solved"] == 2
    # the search solves 2 in 200 trials (p = 0.01) at 30 steps a trial; one restart's
    # 30,000 steps buy it 1,000 trials: 1 - 0.99^1000
    assert math.isclose(best["search_within_budget"], 1 - 0.99**1000, rel_tol=1e-12)
    assert best["budget_ratio"] == 10.0  # 10 epochs x 3,000 steps over 3,000 per solve


@pytest.mark.parametrize(
    "solved,first",
    [
        ([3, 1, 0, 0], 20),
        ([0, 0, 0, 0], 5),
        ([0, 1, 0, 2], None),
        ([2, 0, 1, 0], 50),
    ],
)
def test_fails_from_is_the_start_of_the_final_run_of_zeros(solved, first):
    rows = [{"n": n, "solved": s} for n, s in zip([5, 10, 20, 50], solved, strict=True)]
    assert fails_from(rows[::-1]) == first


def _summary():
    rows = []
    for net, hidden in (("full", 2), ("full", 8), ("lstm", 4)):
        for method in ("adam", "momentum"):
            for regime in ("fixed", "variable"):
                for n in (5, 10, 50):
                    solved = max(0, 8 - n // 5) if regime == "variable" else 0
                    rows.append(
                        {
                            "net": net,
                            "hidden": hidden,
                            "method": method,
                            "regime": regime,
                            "init": "small",
                            "batch": 128,
                            "budget_factor": 10.0,
                            "n": n,
                            "solved": solved,
                            "restarts": 16,
                            "p_low": solved / 32,
                            "p_high": min(1, solved / 8 + 0.2),
                            "search_within_budget": 0.9999,
                        }
                    )
    return pd.DataFrame(rows)


def _norms():
    rows = []
    for init, scale in (("small", 1e-2), ("search", 1e-40)):
        for n in (2, 10, 50):
            for seed in range(3):
                value = 0.0 if (init == "search" and n == 50) else scale**n
                rows.append({"n": n, "init": init, "epochs": 0, "grad_norm": value, "seed": seed})
                rows.append({"n": n, "init": init, "epochs": 100, "grad_norm": value * 3})
    return pd.DataFrame(rows)


def test_gradient_figures_are_deterministic_and_of_fixed_size(tmp_path):
    search = pd.DataFrame(
        {"n": [5, 10, 50], "p": [1e-4] * 3, "p_lo": [5e-5] * 3, "p_hi": [2e-4] * 3}
    )
    renders = {
        "gradient_success": (lambda p: gradient_success(_summary(), p), 5.8),
        "vanishing_gradient": (lambda p: vanishing_gradient(_norms(), search, p), 4.2),
    }
    for name, (render, height) in renders.items():
        a, b = tmp_path / f"{name}-a.png", tmp_path / f"{name}-b.png"
        render(a)
        render(b)
        image = iio.imread(a)
        assert image.shape[:2] == pixel_size(height), name
        assert np.std(image) > 10, name
        assert a.read_bytes() == b.read_bytes(), name
