"""The gradient study's tables (pandas): every cell, the best learning rate per cell, timing.

``gradient_runs.csv`` has one row per trained cell (every learning rate);
``gradient_summary.csv`` keeps, per cell, the learning rate with the most
solves (ties: fewer sequence-steps to success, then the smaller rate) and
says how many were tried (``lrs_tried``).  Both hold only what one machine
and library version reproduce exactly (no timings: those go to
``results/benchmark/gradient_timing.csv``).  The random search's side of a
row comes from the cell's baseline searches (``search_*``):
``search_within_budget`` is the probability that random search, given the
same sequence-steps as one gradient restart, finds a solver,
``1 - (1 - p)^(budget / steps per trial)`` with ``p = solves / trials``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import fmt
from ..tables import markdown
from .spec import GradientSpec
from .summary import cell_row

CELL_COLUMNS = [
    "net",
    "hidden",
    "method",
    "regime",
    "init",
    "batch",
    "sample_size",
    "budget_factor",
    "n",
]
"""What identifies a cell apart from its learning rate, in table order."""
MAIN = {"net": "full", "hidden": 2, "init": "small", "batch": "128", "budget_factor": 10.0}
"""The study's main cells: the reference net at the config's default settings (the
README's lines per method and regime); values compared as text, as CSV reads them."""


def select(frame: pd.DataFrame, **values) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal ``values`` (compared as text), by N."""
    mask = np.ones(len(frame), bool)
    for key, value in values.items():
        mask &= frame[key].astype(str).to_numpy() == str(value)
    return frame[mask].sort_values("n")


def _search_columns(record: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline search's side, and ``budget_ratio``: the least compute any restart was
    given (whole epochs of its own training set) over the search's cost per solve."""
    cost = record["search"]
    trials, solves, steps = cost["trials"], cost["solves"], cost["sequence_steps"]
    p = solves / trials
    per_trial = steps / trials
    given = min(r["epochs_budget"] * r["sequence_steps_per_epoch"] for r in record["restarts"])
    per_solve = cost["steps_per_solve"]
    return {
        "search_runs": cost["searches"],
        "search_solves": solves,
        "search_p": p,
        "search_steps_per_solve": per_solve,
        "budget_ratio": given / per_solve,
        "search_within_budget": -math.expm1(
            record["sequence_steps_budget"] / per_trial * math.log1p(-p)
        )
        if p < 1
        else 1.0,
    }


def _settings(record: Mapping[str, Any]) -> dict[str, Any]:
    """A cell's CELL_COLUMNS and lr, with the training set's real size (the paper nets'
    100 sequences, whatever ``sample_size`` says)."""
    params = record["params"]
    return {
        **{k: params[k] for k in CELL_COLUMNS if k in params},
        "sample_size": GradientSpec.from_params(params).training_size,
        "budget_factor": record["budget_factor"],
        "lr": params["lr"],
    }


def runs_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per cell record: its settings and results, and its search's side."""
    rows = [
        cell_row(dict(record)) | _settings(record) | _search_columns(record) for record in records
    ]
    frame = pd.DataFrame(rows)
    first = [*CELL_COLUMNS, "lr"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame.sort_values(first, kind="stable").reset_index(drop=True)


def summary_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """Per cell, the row of its best learning rate, and how many rates were tried."""
    ranked = runs.assign(_steps=runs["median_sequence_steps"].fillna(math.inf)).sort_values(
        ["solved", "_steps", "lr"], ascending=[False, True, True], kind="stable"
    )
    best = ranked.groupby(CELL_COLUMNS, sort=False, dropna=False).head(1)
    tried = runs.groupby(CELL_COLUMNS, dropna=False)["lr"].nunique().rename("lrs_tried")
    out = best.drop(columns="_steps").merge(tried.reset_index(), on=CELL_COLUMNS)
    return out.sort_values(CELL_COLUMNS, kind="stable").reset_index(drop=True)


def timing_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Wall seconds per cell and per restart, and the search's seconds per solve."""
    rows = []
    for record in records:
        restarts = len(record["restarts"])
        cost = record["search"]
        rows.append(
            {
                **_settings(record),
                "wallclock_s": record["timing"]["wallclock_s"],
                "seconds_per_restart": record["timing"]["wallclock_s"] / restarts,
                "search_seconds_per_solve": cost["seconds"] / cost["solves"]
                if cost["solves"]
                else math.nan,
                "jax": record["versions"]["jax"],
            }
        )
    return pd.DataFrame(rows).sort_values([*CELL_COLUMNS, "lr"], kind="stable")


def _net_label(row: Mapping[str, Any]) -> str:
    return f"{row['net']} (H = {row['hidden']})"


def summary_markdown(summary: pd.DataFrame) -> str:
    """The README's table: one row per cell, its best learning rate."""
    table = summary.assign(
        net_h=[_net_label(r) for r in summary.to_dict("records")],
        solved_of=[f"{s}/{r}" for s, r in zip(summary["solved"], summary["restarts"], strict=True)],
        ci=[
            f"{fmt.pct(lo)} - {fmt.pct(hi)}"
            for lo, hi in zip(summary["p_low"], summary["p_high"], strict=True)
        ],
        budget=[f"{f:g}x" for f in summary["budget_factor"]],
    )
    columns = {
        "net_h": "net",
        "method": "method",
        "regime": "regime",
        "init": "init",
        "batch": "batch",
        "budget": "budget",
        "n": "N",
        "lr": "best lr",
        "lrs_tried": "lrs tried",
        "solved_of": "solved",
        "ci": "95% CI",
        "median_epochs": "median epochs",
        "sequence_steps_budget": "sequence-steps per restart",
        "search_steps_per_solve": "search: per solve",
        "min_heldout_accuracy": "held-out accuracy",
    }
    return markdown(table, columns)
