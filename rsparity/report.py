"""The README's numbers and claims, computed from the result files.

Every derived number and every sentence that states a finding ("variant X
reproduces the paper", "A1 stays above the paper's figure") is decided here,
in tested code; ``workflow/templates/README.md.j2`` only lays them out.
:func:`readme_context` builds the whole template context.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import data as protocol
from . import fmt, kernel
from .slices import centre_correct, read_slice, solver_area
from .tables import PAPER_KEYS, paper_rows
from .trace import best_so_far, read_trace, sampled

NEAR_CHANCE = 0.05
"""A sampled trial is "near chance" when its accuracy is within this of 50 %."""


def read_records(path: str | os.PathLike) -> list[dict]:
    """A CSV table as a list of row dicts (empty cells as NaN)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""]).to_dict("records")


def study_context(runs: str | os.PathLike, summary: str | os.PathLike, markdown: str) -> dict:
    """One study's runs and summary rows and its Markdown summary table."""
    return {
        "runs": read_records(runs),
        "summary": read_records(summary),
        "markdown": Path(markdown).read_text(),
    }


def with_reference(runs: Sequence[Mapping], reference: Mapping, key: str) -> list[dict]:
    """Each row plus ``reference``: the reference README's value for the row's ``key``, or None."""
    return [{**row, "reference": reference.get(row[key])} for row in runs]


def scaling_rows(study: Mapping, reference: Mapping[int, int]) -> list[dict]:
    """The scaling summary per N, with seed 0's trials and the reference's seed-0 count."""
    seed0 = {r["n"]: r["trials"] for r in study["runs"] if r["seed"] == 0}
    return [
        {**s, "seed0": seed0.get(s["n"]), "reference": reference.get(s["n"])}
        for s in study["summary"]
    ]


def same_first_solver(runs: Sequence[Mapping], a: float, b: float) -> dict | None:
    """Seeds whose first solver is the same trial at weight scales ``a`` and ``b``.

    {"same": k, "seeds": m} over the m seeds run at both scales, or None if either is missing.
    """
    trials = {
        scale: {r["seed"]: r["trials"] for r in runs if r["weight_scale"] == scale}
        for scale in (a, b)
    }
    if not trials[a] or not trials[b]:
        return None
    seeds = sorted(set(trials[a]) & set(trials[b]))
    return {"same": sum(trials[a][s] == trials[b][s] for s in seeds), "seeds": len(trials[a])}


def trace_context(trace: Mapping) -> dict:
    """The search curve's story: best-so-far steps, the plateau before the final jump,
    and the share of sampled trials near chance."""
    best_trials, best_acc = best_so_far(trace)
    _, sampled_acc = sampled(trace)
    steps = [
        {"trial": int(t), "accuracy": float(a)} for t, a in zip(best_trials, best_acc, strict=True)
    ]
    return {
        "every": trace["every"],
        "steps": steps,
        "plateau": steps[-2] if len(steps) > 1 else steps[-1],
        "sampled": len(sampled_acc),
        "near_chance": float(np.mean(np.abs(np.asarray(sampled_acc) - 0.5) <= NEAR_CHANCE)),
    }


def headline_context(record: Mapping, benchmark: Mapping | None = None) -> dict:
    """The headline record plus the Frobenius norm of its solver's W_hh, and the wallclock
    to quote: the engine benchmark's timing of the same search, which ran alone on the
    machine (``alone``), else the search job's own (it may have shared the cores)."""
    w_hh = np.asarray(record["weights"]["W_hh"], dtype=float)
    timed = (benchmark or {}).get("headline")
    alone = bool(
        timed and timed["params"] == record["params"] and timed["trials"] == record["trials"]
    )
    wallclock = timed["wallclock_s"] if alone else record["timing"]["wallclock_s"]
    return {
        **record,
        "w_hh_frobenius": float(np.linalg.norm(w_hh)),
        "wallclock_s": wallclock,
        "alone": alone,
    }


def median_text(row: Mapping) -> dict:
    """The mean and median of a paper-table row as shown: bounds where they are censored."""
    return {
        "mean_is_bound": not row["solves"],
        "median_is_bound": not row["solved_runs"] * 2 > row["runs"],
    }


def paper_context(summary: pd.DataFrame, reported: Mapping[str, float]) -> dict:
    """Rows of the paper table and the claims made from them.

    ``variants``: per update variant, the nets whose paper figure lies in our
    95 % interval (``matches``) and how many of its nets ever solve; ``best``:
    the variant that matches the most nets (ties: table order); ``a1_open``:
    whether A1's mean is above the paper's figure with 95 % confidence in every
    variant (then the README lists it as still open), with ``a1_ratio`` for the
    best variant.
    """
    rows = paper_rows(summary, reported)
    records = [{**r, **median_text(r)} for r in rows.to_dict("records")]
    variants = []
    for variant, group in rows.groupby("variant", sort=False):
        variants.append(
            {
                "variant": variant,
                "solving_nets": int((group["solves"] > 0).sum()),
                "matches": group.loc[group["paper_inside"], "net"].tolist(),
                "net": dict(zip(group["key"], group.to_dict("records"), strict=True)),
            }
        )
    best = max(variants, key=lambda v: len(v["matches"]))
    a1 = rows[rows["key"] == "A1"]
    a1_open = bool(len(a1)) and bool((a1["expected_lo"] > reported["A1"]).all())
    a1_best = best["net"].get("A1")
    return {
        "rows": records,
        "variants": variants,
        "others": [v for v in variants if v is not best],
        "best": best,
        "a1_open": a1_open,
        "a1_ratio": a1_best["expected_trials"] / reported["A1"] if a1_best else None,
        "keys": list(PAPER_KEYS),
    }


A1_VARIANT_VERDICTS = ("all_four", "breaks_other", "untested", "none")
"""What the a1_variants study finds, best first: a variant that puts all four paper figures
inside our intervals; one that fixes A1 but puts another net's figure outside; one that fixes
A1 whose other nets were not run; no variant that fixes A1."""


def a1_variants_context(
    summary: pd.DataFrame,
    reported: Mapping[str, float],
    paper_summary: pd.DataFrame | None = None,
) -> dict:
    """The a1_variants study: rows per variant and net, and which single detail (if any)
    brings the paper's A1 figure inside our 95 % interval without breaking the others.

    ``summary``: the study's summary table (a ``variant`` column; order and readout
    as in the paper study); ``reported``: the paper's figures by :data:`PAPER_KEYS`;
    ``paper_summary``: the paper study's summary, whose A1 row in the study's order
    and read-out is shown first as variant ``none`` (``baseline`` True; it takes no
    part in the verdict).  Returns ``rows`` (:func:`rsparity.tables.paper_rows`'
    columns, ``order_readout`` the order / read-out label and ``variant`` the detail,
    sorted by variant in the summary's order then net), ``fixing`` (variants whose A1
    interval holds the paper's figure), ``breaking`` (fixing variant -> the nets
    whose figure falls outside), ``matching`` (fixing variants run on all four
    nets with every figure inside), ``verdict`` (one of
    :data:`A1_VARIANT_VERDICTS`), ``best`` (the first matching variant, else the
    first fixing one, else None) and ``closest``: the variant whose A1 mean is
    nearest the paper's (by the ratio of means on a log scale; a variant without
    solves is infinitely far), with ``ratio`` = our mean / the paper's; ``baseline``
    (the ``none`` row or None), ``never`` (variants whose A1 never solves) and
    ``faster`` (variants whose A1 interval lies wholly below the baseline's).
    """
    frame = summary.rename(columns={"variant": "detail"}).assign(baseline=False)
    if paper_summary is not None:
        first = frame.iloc[0]
        base = paper_summary[
            (paper_summary["arch"] == "A1")
            & (paper_summary["noise"] == 0)
            & (paper_summary["order"] == first["order"])
            & (paper_summary["readout"] == first["readout"])
        ]
        base = base.assign(detail="none", baseline=True)
        frame = pd.concat([base, frame], ignore_index=True)
    rows = paper_rows(frame, reported).rename(
        columns={"variant": "order_readout", "detail": "variant"}
    )
    study_order = {v: i for i, v in enumerate(dict.fromkeys(frame["detail"]))}
    net_rank = {k: i for i, k in enumerate(PAPER_KEYS)}
    rank = rows["variant"].map(study_order) * len(net_rank) + rows["key"].map(net_rank)
    rows = rows.iloc[rank.argsort(kind="stable")].reset_index(drop=True)
    records = [{**r, **median_text(r)} for r in rows.to_dict("records")]
    by: dict[str, dict[str, dict]] = {}
    for r in records:
        if not r["baseline"]:
            by.setdefault(r["variant"], {})[r["key"]] = r
    fixing = [v for v, nets in by.items() if "A1" in nets and nets["A1"]["paper_inside"]]
    breaking = {
        v: [by[v][k]["net"] for k in PAPER_KEYS if k in by[v] and not by[v][k]["paper_inside"]]
        for v in fixing
    }
    complete = [v for v in fixing if all(k in by[v] for k in PAPER_KEYS)]
    matching = [v for v in complete if not breaking[v]]
    if matching:
        verdict = "all_four"
    elif any(breaking.values()):
        verdict = "breaks_other"
    elif fixing:
        verdict = "untested"
    else:
        verdict = "none"

    def distance(v: str) -> float:
        mean = by[v]["A1"]["expected_trials"]
        return abs(math.log(mean / reported["A1"])) if math.isfinite(mean) else math.inf

    with_a1 = [v for v in by if "A1" in by[v]]
    near = min(with_a1, key=distance) if with_a1 else None
    baseline = next((r for r in records if r["baseline"]), None)
    never = [v for v in with_a1 if not by[v]["A1"]["solves"]]
    faster = (
        [v for v in with_a1 if by[v]["A1"]["expected_hi"] < baseline["expected_lo"]]
        if baseline
        else []
    )
    return {
        "rows": records,
        "fixing": fixing,
        "breaking": breaking,
        "matching": matching,
        "verdict": verdict,
        "best": matching[0] if matching else (fixing[0] if fixing else None),
        "closest": None
        if near is None
        else {
            "variant": near,
            "row": by[near]["A1"],
            "ratio": by[near]["A1"]["expected_trials"] / reported["A1"],
        },
        "variants": list(by),
        "baseline": baseline,
        "never": never,
        "faster": faster,
    }


def pooled_p(summary: Sequence[Mapping]) -> float:
    """Solves over all trials searched, pooled over summary rows."""
    return sum(s["solves"] for s in summary) / sum(s["total_trials"] for s in summary)


def flat(summary: Sequence[Mapping]) -> bool:
    """Whether one p fits every row: the pooled p lies in each row's 95 % interval."""
    p = pooled_p(summary)
    return all(s["p_lo"] <= p <= s["p_hi"] for s in summary)


def overlap(a: Mapping, b: Mapping) -> bool:
    """Whether two summary rows' 95 % intervals for p overlap."""
    return a["p_lo"] <= b["p_hi"] and b["p_lo"] <= a["p_hi"]


def claims(studies: Mapping[str, dict], reference: Mapping[str, Any]) -> dict[str, Any]:
    """The reference-protocol findings the README states in words."""
    n500 = studies["n500"]["summary"][0]
    return {
        "scaling_flat": flat(studies["scaling"]["summary"]),
        "n500_like_headline": overlap(n500, studies["reliability"]["summary"][0]),
        "n500_range_matches": n500["min_trials"] == reference["n500_min_trials"]
        and n500["max_trials_seen"] == reference["n500_max_trials"],
        "nodiag_solves": int(sum(s["solves"] for s in studies["nodiag"]["summary"])),
    }


AREA_TOLERANCE = 0.1
"""The solver region of a slice "shrinks" (or "grows") with N only if its area changes by
more than this fraction of the smaller N's area: a boundary moving by one grid cell is not a
trend."""
BASIN_TRENDS = ("shrinks", "grows", "same")


def basin_trend(areas: Mapping[int, float]) -> str:
    """How the solver region's area changes from the smallest to the largest N:
    one of :data:`BASIN_TRENDS` (``same`` within :data:`AREA_TOLERANCE`)."""
    small, large = areas[min(areas)], areas[max(areas)]
    if large < small * (1 - AREA_TOLERANCE):
        return "shrinks"
    if large > small * (1 + AREA_TOLERANCE):
        return "grows"
    return "same"


def same_solver_points(slices: Sequence[Mapping]) -> bool:
    """Whether slices on the same axes have exactly the same solving grid points."""
    first = slices[0]
    masks = [np.asarray(s["correct"]) == s["sample_size"] for s in slices]
    return all(s["axes"] == first["axes"] for s in slices) and all(
        np.array_equal(m, masks[0]) for m in masks
    )


def basin_context(
    solvers: Sequence[str | os.PathLike],
    nonsolver: str | os.PathLike,
    scaling: Sequence[Mapping],
) -> dict[str, Any]:
    """The basin figure's caption: each solver slice's N and area (fraction of its grid
    points that solve), the non-solver's trial, accuracy at its centre and area, the
    trend of the solver area with N (:func:`basin_trend`), whether exactly the same
    grid points solve at every N (:func:`same_solver_points`), and p's range over the
    scaling study's N (lowest p_lo and highest p_hi, and whether one p fits every N:
    :func:`flat`)."""
    slices = [read_slice(path) for path in solvers]
    rows = [{"n": s["params"]["n"], "area": solver_area(s), "trial": s["trial"]} for s in slices]
    other = read_slice(nonsolver)
    return {
        "pair": slices[0]["pair"]["names"],
        "grid": slices[0]["grid"],
        "solvers": rows,
        "trend": basin_trend({r["n"]: r["area"] for r in rows}),
        "same_points": same_solver_points(slices),
        "nonsolver": {
            "n": other["params"]["n"],
            "trial": other["trial"],
            "area": solver_area(other),
            "accuracy": centre_correct(other) / other["sample_size"],
        },
        "p_min": min(r["p"] for r in scaling),
        "p_max": max(r["p"] for r in scaling),
        "p_lo": min(r["p_lo"] for r in scaling),
        "p_hi": max(r["p_hi"] for r in scaling),
        "n_range": (min(r["n"] for r in scaling), max(r["n"] for r in scaling)),
        "p_flat": flat(scaling),
    }


def nodiag_at(summary: Sequence[Mapping], n: int) -> dict | None:
    """The zero-diagonal study's summary row at sequence length ``n``, if it ran there."""
    rows = [s for s in summary if s["n"] == n]
    return rows[0] if rows else None


def cost_context(cost: Mapping[str, Any]) -> dict[str, Any]:
    """What the results cost and whether the run that wrote the README made every record
    (only then is its wall time a rebuild's).  Searches: CPU minutes from the jobs' own
    records; gradient cells (group ``gradient``): their wall minutes, as JAX computes on
    threads of its own; the run: the Snakemake process's CPU, every job included."""
    total, paper, run = cost["total"], cost["groups"]["paper"], cost["run"]
    grad = cost["groups"].get("gradient", {"jobs": 0, "cpu_s": 0.0})
    variants = cost["groups"].get("a1_variants", {"jobs": 0, "cpu_s": 0.0})
    return {
        "jobs": total["jobs"] - grad["jobs"],
        "cpu_min": (total["cpu_s"] - grad["cpu_s"]) / 60,
        "untimed": total["untimed"],
        "paper_jobs": paper["jobs"],
        "paper_cpu_min": paper["cpu_s"] / 60,
        "gradient_jobs": grad["jobs"],
        "gradient_wall_min": grad["cpu_s"] / 60,
        "a1_variants_jobs": variants["jobs"],
        "a1_variants_cpu_s": variants["cpu_s"],
        "rebuild": run["made_every_record"],
        "reran": total["this_run"] - grad.get("this_run", 0),
        "reran_gradient": grad.get("this_run", 0),
        "wall_min": run["wall_s"] / 60,
        "run_cpu_min": run["cpu_s"] / 60 if run.get("cpu_s") is not None else None,
        "rest_cpu_min": (run["cpu_s"] - total["cpu_s"] + grad["cpu_s"]) / 60
        if run.get("cpu_s") is not None
        else None,
        "cores": run["cores"],
    }


def protocol_constants() -> dict[str, int]:
    """The data protocol's fixed sizes and seed offsets that the README quotes."""
    return {
        "heldout_size": protocol.HELDOUT_SIZE,
        "heldout_offset": protocol.HELDOUT_SEED_OFFSET,
        "long_size": protocol.LONG_SIZE,
        "long_factor": protocol.LONG_FACTOR,
        "long_offset": protocol.LONG_SEED_OFFSET,
        "max_enumerate_n": protocol.MAX_ENUMERATE_N,
    }


KERNEL_EQUALITY_SEEDS = 1000
"""The fewest seeds tests/test_kernel.py compares the compiled kernel and the numpy path on."""


def kernel_constants() -> dict[str, Any]:
    """The compiled kernel's settings the README quotes (rsparity.kernel)."""
    return {
        "margin": kernel.MARGIN,
        "memo_states": kernel.MEMO_STATES,
        "load_after_s": kernel.LOAD_AFTER_S,
        "min_reference_steps": kernel.MIN_REFERENCE_STEPS,
        "equality_seeds": KERNEL_EQUALITY_SEEDS,
    }


def readme_context(
    studies: Mapping[str, dict],
    headline: str | os.PathLike,
    trace: str | os.PathLike,
    benchmark: str | os.PathLike,
    cost: str | os.PathLike,
    literature: Mapping[str, Any],
    gradient: Mapping[str, Any] | None = None,
    basin: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the README template shows, from the result files.

    ``studies``: study name -> :func:`study_context`; the other paths are the
    headline search record, its trace, the engine benchmark and the search
    cost records; ``literature``: the numbers reported elsewhere; ``gradient`` and
    ``basin``: :func:`rsparity.gradient.claims.gradient_context`, :func:`basin_context`.
    """
    ref = literature["reference_readme"]
    bench = json.loads(Path(benchmark).read_text())
    head = headline_context(json.loads(Path(headline).read_text()), bench)
    summary = pd.DataFrame(studies["paper"]["summary"])
    return {
        "studies": studies,
        "headline": head,
        "trace": trace_context(read_trace(trace)),
        "protocol": protocol_constants(),
        "kernel": kernel_constants(),
        "benchmark": bench,
        "cost": cost_context(json.loads(Path(cost).read_text())),
        "literature": literature,
        "reliability_rows": with_reference(
            studies["reliability"]["runs"], ref["reliability_trials"], "seed"
        ),
        "scaling_rows": scaling_rows(studies["scaling"], ref["scaling_trials"]),
        "weight_scale_same": same_first_solver(studies["weight_scale"]["runs"], 30.0, 100.0),
        "nodiag_headline": nodiag_at(studies["nodiag"]["summary"], head["params"]["n"]),
        "paper": paper_context(summary, literature["paper"]),
        "a1_variants": a1_variants_context(
            pd.DataFrame(studies["a1_variants"]["summary"]), literature["paper"], summary
        ),
        "claims": claims(studies, ref),
        "gradient": gradient,
        "basin": basin,
    }


def render(template: str | os.PathLike, context: Mapping[str, Any]) -> str:
    """Render a Jinja2 template with the number filters of :mod:`rsparity.fmt`.

    StrictUndefined: a number missing from the results fails the build instead
    of leaving a blank in the README.
    """
    import jinja2

    path = Path(template)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(path.parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(int=fmt.integer, pct=fmt.pct, num=fmt.number, sci=fmt.sci)
    return env.get_template(path.name).render(**context)
