"""Per-study tables (pandas): one row per search, and a summary per setting.

Runs tables hold only deterministic fields of the result records, so two
fresh runs give byte-identical CSV and Markdown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import fmt
from .stats import solver_fraction
from .stored import read_record
from .studies import SETTING_KEYS

RESULT_COLUMNS = [
    "solved",
    "trials",
    "train_accuracy",
    "heldout_accuracy",
    "heldout_long_accuracy",
]


def runs_frame(paths: Iterable[str | Path]) -> pd.DataFrame:
    """One row per result record: its settings, seed and deterministic results.

    :class:`~rsparity.errors.InputError` naming the first damaged record
    (:func:`rsparity.stored.read_record`): never a table from a bad file.
    """
    rows = []
    for path in paths:
        rec = read_record(path)
        params = {k: v for k, v in rec["params"].items() if k != "protocol"}
        rows.append({**params, **{k: rec[k] for k in RESULT_COLUMNS}})
    frame = pd.DataFrame(rows)
    keys = [k for k in ("arch", *SETTING_KEYS) if k in frame]
    return frame.sort_values([*keys, "seed"], kind="stable").reset_index(drop=True)


def varying(frame: pd.DataFrame) -> list[str]:
    """The setting columns that take more than one value in ``frame``."""
    keys = [k for k in ("arch", *SETTING_KEYS) if k in frame]
    return [k for k in keys if frame[k].astype(str).nunique() > 1]


def summary_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """Per distinct setting: runs, solves, trials (median/min/max), p with 95 % CI, 1/p."""
    keys = [k for k in ("arch", *SETTING_KEYS) if k in runs]
    rows = []
    for values, group in runs.groupby(keys, sort=False, dropna=False):
        stats = solver_fraction(group["trials"].tolist(), group["solved"].tolist())
        held = group.loc[group["solved"], "heldout_accuracy"]
        rows.append(
            {
                **dict(zip(keys, values, strict=True)),
                "runs": len(group),
                "solved_runs": int(group["solved"].sum()),
                "median_trials": float(group["trials"].median()),
                "min_trials": int(group["trials"].min()),
                "max_trials_seen": int(group["trials"].max()),
                **stats,
                "min_heldout_accuracy": float(held.min()) if len(held) else math.nan,
            }
        )
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """A Markdown table of ``columns`` (name -> header), numbers formatted for reading."""
    head = "| " + " | ".join(columns.values()) + " |"
    rule = "|" + "|".join("---:" for _ in columns) + "|"
    lines = [head, rule]
    for row in frame.to_dict("records"):
        cells = []
        for col in columns:
            v = row[col]
            cells.append(fmt.pct(v) if col.endswith("accuracy") else fmt.cell(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


PAPER_KEYS = ("A1", "A1_noise", "A2", "A2noself")
"""The paper's four reported settings (keys of literature.yaml's ``paper``), in table order."""
PAPER_VARIANTS = {
    ("layered", "last"): "layered / last",
    ("layered", "extra"): "layered / extra",
    ("sync", "extra"): "sync / extra",
    ("sync", "last"): "sync / last",
}
"""(order, readout) -> label, in table order."""


def paper_rows(summary: pd.DataFrame, reported: dict[str, float]) -> pd.DataFrame:
    """The paper study's summary with ``key``, ``net``, ``variant``, ``paper`` and
    ``paper_inside`` (the paper's mean within our 95 % CI), sorted by net then variant."""
    rows = summary.copy()
    rows["key"] = rows["arch"] + rows["noise"].gt(0).map({True: "_noise", False: ""})
    rows["net"] = [
        f"{arch}, H = {hidden}" + (f", input noise +-{noise:g}" if noise > 0 else "")
        for arch, hidden, noise in zip(rows["arch"], rows["hidden"], rows["noise"], strict=True)
    ]
    pairs = list(zip(rows["order"], rows["readout"], strict=True))
    rows["variant"] = [PAPER_VARIANTS[p] for p in pairs]
    rows["paper"] = rows["key"].map(reported).astype(float)
    rows["paper_inside"] = (rows["expected_lo"] <= rows["paper"]) & (
        rows["paper"] <= rows["expected_hi"]
    )
    rank = {k: i for i, k in enumerate(PAPER_KEYS)}
    vrank = {v: i for i, v in enumerate(PAPER_VARIANTS.values())}
    order = rows["key"].map(rank) * len(vrank) + rows["variant"].map(vrank)
    return rows.iloc[order.argsort(kind="stable")].reset_index(drop=True)
