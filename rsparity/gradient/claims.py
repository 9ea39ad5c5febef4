"""The README's gradient findings, decided from the gradient tables (tested code, not the template).

:func:`gradient_context` gives the template the table, the per-N success of
every method and regime, from which N each fails (:func:`fails_from`), what
variable-length training, a larger net and the LSTM change, the compute
comparison in sequence-steps and seconds, and the measured vanishing gradient.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .tables import MAIN, select


def fails_from(rows: Sequence[Mapping[str, Any]]) -> int | None:
    """The smallest N from which no restart solves at that N or any longer one (rows: n,
    solved); None if the longest N still has a success."""
    ordered = sorted(rows, key=lambda r: r["n"])
    first = None
    for row in reversed(ordered):
        if row["solved"] > 0:
            break
        first = row["n"]
    return first


def _series(rows: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"n": int(r["n"]), "solved": int(r["solved"]), "restarts": int(r["restarts"])}
        for r in rows.to_dict("records")
    ]


def _line(rows: pd.DataFrame) -> dict[str, Any]:
    series = _series(rows)
    return {
        "series": series,
        "solved": sum(s["solved"] for s in series),
        "restarts": sum(s["restarts"] for s in series),
        "fails_from": fails_from(series),
        "text": ", ".join(f"{s['solved']}/{s['restarts']} at N = {s['n']}" for s in series),
    }


def _lines(summary: pd.DataFrame, **where) -> dict[str, dict[str, Any]]:
    """``"<method> <regime>"`` -> :func:`_line` of the matching cells."""
    out = {}
    rows = select(summary, **where)
    for (method, regime), group in rows.groupby(["method", "regime"], sort=True):
        out[f"{method} {regime}"] = _line(group)
    return out


def _vanishing(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Per init: the median gradient norm at the shortest and longest N, at initialisation."""
    out = []
    start = rows[rows["epochs"] == 0]
    for init, group in start.groupby("init", sort=False):
        med = group.groupby("n")["grad_norm"].median().sort_index()
        lo, hi = med.index[0], med.index[-1]
        first, last = float(med.iloc[0]), float(med.iloc[-1])
        out.append(
            {
                "init": init,
                "n_short": int(lo),
                "n_long": int(hi),
                "short": first,
                "long": last,
                "decades": math.log10(first / last) if last > 0 and first > 0 else None,
            }
        )
    return out


def gradient_context(
    summary: str | os.PathLike,
    markdown: str | os.PathLike,
    timing: str | os.PathLike,
    vanishing: str | os.PathLike,
) -> dict[str, Any]:
    """Everything the README's "Random search vs gradient descent" section shows."""
    table = pd.read_csv(summary, keep_default_na=False, na_values=[""])
    times = pd.read_csv(timing)
    norms = pd.DataFrame(json.loads(Path(vanishing).read_text())["rows"])
    main = select(table, **MAIN)
    lines = _lines(table, **MAIN)
    bigger = _lines(table, **(MAIN | {"hidden": 8}))
    same = {k: MAIN[k] for k in ("init", "budget_factor")}
    lstm = _lines(table, net="lstm", batch=MAIN["batch"], **same)
    paper = {
        net: _lines(table, net=net, **same) for net in sorted(set(table["net"]) - {"full", "lstm"})
    }
    more = _lines(table, **(MAIN | {"budget_factor": 100.0}))
    main_times = select(times, **MAIN)
    cost = []
    for row in main.drop_duplicates("n").to_dict("records"):
        t = main_times[main_times["n"] == row["n"]]
        cost.append(
            {
                "n": int(row["n"]),
                "search_steps": row["search_steps_per_solve"],
                "budget": int(row["sequence_steps_budget"]),
                "search_s": float(t["search_seconds_per_solve"].iloc[0]) if len(t) else math.nan,
                "gradient_s": float(t["seconds_per_restart"].median()) if len(t) else math.nan,
            }
        )
    ratios = table.loc[table["budget_factor"] == MAIN["budget_factor"], "budget_ratio"]
    any_main = sum(line["solved"] for line in lines.values())
    fails = [line["fails_from"] for line in lines.values()]
    return {
        "markdown": Path(markdown).read_text(),
        "lines": lines,
        "bigger": bigger,
        "lstm": lstm,
        "paper": paper,
        "more_budget": more,
        "cost": cost,
        "ratio_min": float(ratios.min()),
        "ratio_max": float(ratios.max()),
        "vanishing": _vanishing(norms),
        "restarts": int(table["restarts"].max()),
        "main_batch": MAIN["batch"],
        "jax": str(times["jax"].iloc[0]),
        "answer": {
            "main_solved": any_main,
            "all_fail_from": max(fails) if fails and None not in fails else None,
            "variable_helps": any(
                lines[f"{m} variable"]["solved"] > lines[f"{m} fixed"]["solved"]
                for m in ("adam", "momentum")
                if f"{m} variable" in lines and f"{m} fixed" in lines
            ),
            "lstm_variable_beats_fixed": bool(
                lstm
                and "adam variable" in lstm
                and "adam fixed" in lstm
                and lstm["adam variable"]["solved"] > lstm["adam fixed"]["solved"]
            ),
            "search_always_solves": bool((main["search_within_budget"] > 0.99).all()),
        },
    }
