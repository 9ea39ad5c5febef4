# Config validation, the expansion of studies into search jobs, and code digests.
# Runs at parse time: a bad config stops the workflow before any job.

import os
import sys
import time
from pathlib import Path

from rsparity.atomic import remove_stale_temporaries
from rsparity.captions import GENERATED, section
from rsparity.codegraph import module_digest, script_digest
from rsparity.config import check_config, check_duplicate_keys, check_output_dir, load_yaml
from rsparity.cost import process_cpu
from rsparity.errors import InputError
from rsparity.gradient import size_xla_pool
from rsparity.gradient.study import load_cells, load_vanishing, result_paths
from rsparity.jobs import cost_job, search_job
from rsparity.studies import result_path, spec_from_path_parts
from rsparity.scheduling import patch_snakemake


wildcard_constraints:
    arch=r"[A-Za-z0-9]+",
    setting=r"[^,]+",
    seed=r"\d+",
    study=r"[A-Za-z0-9_]+",


README_STUDIES = [
    "headline",
    "reliability",
    "scaling",
    "n500",
    "hidden",
    "weight_scale",
    "nodiag",
    "paper",
    "gradient_baseline",
    "a1_variants",
]
OUTPUT_DIRS = ["results", "logs"]
SCHEMA = load_yaml(workflow.source_path("../schemas/config.schema.yaml"))

# The config files again, strictly (Snakemake keeps the last of two equal keys), then
# every value and, in the main process (not again in each job's), each search's memory
# and the output directories: one line on error.
try:
    check_duplicate_keys(workflow.configfiles)
    STUDIES = check_config(
        config, SCHEMA, README_STUDIES, traced="headline", memory=workflow.is_main_process
    )
    for directory in OUTPUT_DIRS if workflow.is_main_process else []:
        check_output_dir(directory)
except InputError as err:
    sys.exit(f"rsparity: {err}")

CELLS = {cell.path: cell for cell in load_cells(config, STUDIES)}
"""The gradient study's cells by record path (rsparity.gradient.study)."""
VANISHING = load_vanishing(config)
FIRST = 10
"""Rule priority of the gradient cells (minutes each) and the searches whose budgets they
take: they start first, the other searches fill the cores around them, and the run ends
with the cells, not after them.  A rule priority, not the profile's ``prioritize:``, which
Snakemake also makes a target (every run, even of one file, would build the cells)."""
JAX_JOBS = "jax_jobs"
"""A resource each JAX job (gradient cell, gradient profile) takes 1 of; for local runs
at most cores - 1 (at least 1) at once, each computing on one thread of XLA's pool.

The searches share Snakemake's process (run: threads) and so use about one core between
them whatever the core count, while Snakemake gives every job a core: uncapped, two cells
held both cores of this 2-core machine for the first 390 s of a rebuild, the searches ran
in the gaps and then alone, on one core, for 330 s.  XLA's pool is one per process, so it
gets one thread per cell allowed to run (``rsparity.gradient.size_xla_pool``), set here
before any job starts JAX.  A user's ``--resources jax_jobs=N`` or ``PJRT_NPROC`` wins."""
if workflow.local_exec:
    if JAX_JOBS not in workflow.global_resources:
        workflow.register_resource(JAX_JOBS, max(1, (workflow.cores or 1) - 1))
    size_xla_pool(workflow.global_resources[JAX_JOBS].value)
CELL_SEARCHES = {path for cell in CELLS.values() for path in result_paths(cell)}
STUDY_RESULTS = {name: [result_path(spec) for spec in s.specs] for name, s in STUDIES.items()}
HEADLINE = {
    step: STUDY_RESULTS["headline"][0].replace("results/search", f"results/{step}", 1)
    for step in ("search", "trace")
}
"""The headline search's record and trace."""


# Thousands of short jobs: one pending re-evaluation timer, not one per pass (rsparity.scheduling).
if not patch_snakemake() and workflow.is_main_process:
    print(
        "rsparity: note: this Snakemake's scheduler is not patched (rsparity.scheduling)",
        file=sys.stderr,
    )


# JAX's persistent compilation cache for the gradient cells: a cell run again (its record
# deleted, --forcerun, a rebuild after `rm -r results`) loads its compiled steps instead of
# compiling them (measured: 0.9 s a cell, 378 -> 320 s for all 66 on 2 cores; records
# bit-identical, tests/test_gradient_train.py).
# Nothing at parse time or in a search imports JAX, so this reaches every cell.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(Path(".snakemake/jax-cache").resolve()))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")


RUN = {
    "started": time.time(),
    "cpu_started": process_cpu(),
    "cores": workflow.resource_settings.cores,
}
"""This Snakemake run: its jobs record its start (rsparity.jobs), to tell runs apart."""


onstart:
    # A job killed while writing (SIGKILL) leaves a temp file next to its output; this
    # run holds the working directory's lock and has started no job yet.
    for path in remove_stale_temporaries("results"):
        print(f"rsparity: removed {path}, left by a job killed while writing", file=sys.stderr)
    if workflow.local_exec and not workflow.execution_settings.use_threads:
        print(
            "rsparity: note: without --force-use-threads (profiles/default sets it) every "
            "search starts its own Snakemake process (~1 s each)",
            file=sys.stderr,
        )


def code(path):
    """Digest of the rsparity modules the script ``path`` (relative to the repository)
    imports, transitively: a params entry, so editing one of them reruns the rule."""
    return script_digest(Path(workflow.basedir) / path)


def package_code(module):
    """Digest of the package module ``module`` and what it imports (for ``run:`` rules)."""
    return module_digest(module)


def report_caption(name):
    """A caption path for report(): generated (results/report, rsparity.captions) or
    static (workflow/report), relative to workflow/rules/, as Snakemake reads it."""
    if name in GENERATED:
        return f"../../results/report/{name}.rst"
    return f"../report/{name}.rst"


def search_priority(wildcards):
    """FIRST for a search a gradient cell reads, else 0 (the job's record path from the
    rule's own output pattern)."""
    path = rules.search.output[0].format(**wildcards)
    return FIRST if path in CELL_SEARCHES else 0


def search_spec(wildcards):
    """The search settings of a result path, as plain builtins (tracked by params)."""
    spec = spec_from_path_parts(wildcards.arch, wildcards.setting, wildcards.seed)
    return spec.as_params()


def study_inputs(wildcards):
    return STUDY_RESULTS[wildcards.study]


def search_benchmarks(study):
    """Snakemake's benchmark file of every search of ``study``."""
    return [
        path.replace("results/search", "logs/search", 1).replace(".json", ".benchmark.tsv")
        for path in STUDY_RESULTS[study]
    ]


def gradient_cell(wildcards):
    """The configured cell of a gradient record path."""
    return CELLS[
        f"results/gradient/{wildcards.net}/{wildcards.setting}/restarts={wildcards.restarts}.json"
    ]
