"""Snakemake script: a study's result records -> runs and summary tables."""

import sys

from rsparity.tables import markdown, runs_frame, summary_frame, varying

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

runs = runs_frame(snakemake.input)
summary = summary_frame(runs)
runs.to_csv(snakemake.output.runs, index=False, lineterminator="\n")
summary.to_csv(snakemake.output.summary, index=False, lineterminator="\n")

keys = varying(runs)
run_cols = {k: k for k in keys} | {
    "seed": "seed",
    "solved": "solved",
    "trials": "trials to solve",
    "heldout_accuracy": "held-out accuracy",
    "heldout_long_accuracy": "10x-length accuracy",
}
summary_cols = {k: k for k in keys} | {
    "runs": "runs",
    "solved_runs": "solved",
    "median_trials": "median trials",
    "min_trials": "min",
    "max_trials_seen": "max",
    "p": "solver fraction p",
    "p_lo": "95% CI low",
    "p_hi": "95% CI high",
    "expected_trials": "expected trials 1/p",
}
with open(snakemake.output.markdown, "w") as fh:
    fh.write(f"#### {snakemake.params.title}\n\n" + markdown(summary, summary_cols))
with open(snakemake.output.runs_markdown, "w") as fh:
    fh.write(f"#### {snakemake.params.title}: every run\n\n" + markdown(runs, run_cols))
print(f"{len(runs)} runs, {len(summary)} settings", file=sys.stderr)
