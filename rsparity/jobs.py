"""The workflow's jobs that run inside the Snakemake process (``run:`` rules, in threads).

A search job is mostly a few milliseconds of search; as its own process it
would pay about 0.3 s of Python start and imports here.  With
``--force-use-threads`` (set in ``profiles/default``) Snakemake runs ``run:``
jobs as threads of its own process, where the package and the compiled kernels
are loaded once.  Each job records its own CPU time (``time.thread_time``, the
job's thread only) and when it ran, so the cost of a rebuild is summed from CPU
time, not from wall times of jobs that shared the cores.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .atomic import write_json
from .cost import job_timing, summarise
from .engine import search
from .record import build_record
from .spec import SearchSpec


def search_job(params: Mapping[str, Any], output: str, log: str, run: Mapping[str, Any]) -> None:
    """One search of the workflow: run it, score the solver, write the record atomically.

    ``params``: the spec as ``SearchSpec.as_params()``; ``run``: the Snakemake
    run's stamp (``{"started": epoch seconds, ...}``), kept in the record to tell
    which run made it.
    """
    started, cpu_started = time.time(), time.thread_time()
    spec = SearchSpec.from_params(params)
    outcome = search(spec)
    record = build_record(spec, outcome)
    record["timing"]["job"] = job_timing(started, run, time.thread_time() - cpu_started)
    write_json(record, output)
    state = "solved" if outcome.solved else "not solved"
    with open(log, "w") as fh:
        print(f"{state}: {outcome.trials} trials in {outcome.wallclock_s:.3f} s", file=fh)


def cost_job(groups: Mapping[str, list[str]], output: str, run: Mapping[str, Any]) -> None:
    """Sum the CPU time of the records in ``groups`` and this run's wall time so far."""
    write_json(summarise(groups, run), output)
