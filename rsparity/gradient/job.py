"""The gradient cell job, run inside the Snakemake process (a ``run:`` rule, in a thread).

The workflow imports this module inside the rule's ``run:`` block, so JAX is
loaded (about 1 s) only by a run that trains, never by a search-only run or a
no-op rerun.  JAX computes on its own threads, so a job's thread CPU time
misses most of its work: a gradient job's ``timing.job`` holds its wall time
(``clock: "wall"``), and the run's total CPU comes from the process
(:mod:`rsparity.cost`).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..atomic import write_json
from ..cost import job_timing
from . import XLA_POOL
from .spec import GradientSpec
from .study import budget, search_cost


def cell_job(
    params: Mapping[str, Any],
    factor: float,
    searches: Sequence[str],
    output: str,
    log: str,
    run: Mapping[str, Any],
) -> None:
    """Train one cell within ``factor`` x the cost per solve of the ``searches`` (records)."""
    from .train import train_cell

    started = time.time()
    spec = GradientSpec.from_params(params)
    cost = search_cost(json.loads(Path(p).read_text()) for p in searches)
    steps = budget(factor, cost)
    record = train_cell(spec, steps)
    record["budget_factor"] = factor
    record["search"] = cost
    record["timing"] = {"wallclock_s": time.time() - started, "job": job_timing(started, run)}
    write_json(record, output)
    solved = sum(r["solved"] for r in record["restarts"])
    with open(log, "w") as fh:
        print(
            f"{solved}/{spec.restarts} restarts solved within {record['epochs_budget']} epochs "
            f"({steps} sequence-steps each) in {record['timing']['wallclock_s']:.1f} s; "
            f"XLA pool {XLA_POOL}={os.environ.get(XLA_POOL, 'unset')}",
            file=fh,
        )
