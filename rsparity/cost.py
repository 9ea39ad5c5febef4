"""What the results cost: CPU time summed from the jobs' own records, and the run's wall time.

Jobs that share cores run slower in wall time, so summing their wall times
overstates the work (8 jobs on 2 cores: ~4x).  Each job records its own CPU
seconds (:func:`job_timing`); the rebuild's wall time is that of
the run itself, from its start to the moment this summary is made (the last
job before the README), and it is a rebuild's time only if that run made every
record.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def job_timing(
    started: float, run: Mapping[str, Any], cpu_s: float | None = None
) -> dict[str, Any]:
    """The ``job`` entry of a record's timing: CPU and wall seconds, start/end, the run.

    ``cpu_s``: the job's own CPU seconds (a thread job's ``time.thread_time``); None for
    a job whose work runs on threads it does not own (JAX's), where the thread's CPU time
    would miss it: it is then timed by the wall clock and says so (``clock: "wall"``).
    """
    finished = time.time()
    entry = {
        "cpu_s": finished - started if cpu_s is None else cpu_s,
        "wall_s": finished - started,
        "started": started,
        "finished": finished,
        "run": run.get("started"),
    }
    if cpu_s is None:
        entry["clock"] = "wall"
    return entry


def job_times(path: str | os.PathLike) -> dict[str, Any] | None:
    """The ``timing.job`` entry of a record, or None if the record has none."""
    return json.loads(Path(path).read_text()).get("timing", {}).get("job")


def process_cpu() -> float:
    """CPU seconds of this process (every thread) and of its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def summarise(
    groups: Mapping[str, Iterable[str | os.PathLike]],
    run: Mapping[str, Any],
    now: float | None = None,
    cpu: float | None = None,
) -> dict[str, Any]:
    """Cost per group of records (e.g. per study) and in all, and the run's wall time.

    A record shared by several groups counts in each of them and once in the
    total.  ``run``: this run's stamp ``{"started", "cores"}``, and ``cpu_started``
    (:func:`process_cpu` when the run started) if the run's own CPU time is wanted:
    the Snakemake process's threads (thread jobs, JAX's threads, Snakemake itself)
    and its finished children (script and shell jobs).
    """
    now = time.time() if now is None else now
    cpu = process_cpu() if cpu is None else cpu
    times = {str(p): job_times(p) for paths in groups.values() for p in paths}

    def total(paths: Iterable[str]) -> dict[str, Any]:
        jobs = [times[str(p)] for p in paths]
        known = [j for j in jobs if j is not None]
        return {
            "jobs": len(jobs),
            "cpu_s": sum(j["cpu_s"] for j in known),
            "wall_clocked": sum(j.get("clock") == "wall" for j in known),
            "untimed": len(jobs) - len(known),
            "this_run": sum(j["run"] == run["started"] for j in known),
        }

    summary = total(times)
    return {
        "total": summary,
        "groups": {name: total(paths) for name, paths in groups.items()},
        "run": {
            "started": run["started"],
            "cores": run["cores"],
            "wall_s": now - run["started"],
            "cpu_s": cpu - run["cpu_started"] if "cpu_started" in run else None,
            "made_every_record": summary["this_run"] == summary["jobs"],
        },
    }
