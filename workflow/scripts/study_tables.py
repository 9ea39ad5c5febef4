"""Snakemake script: a study's result records -> runs and summary tables (written atomically)."""

import sys

from rsparity.atomic import write_text
from rsparity.errors import InputError
from rsparity.tables import markdown, runs_frame, summary_frame, varying

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

try:
    runs = runs_frame(snakemake.input)
except InputError as err:  # a damaged record: one line naming it, no table
    sys.exit(f"rsparity: {err}")
summary = summary_frame(runs)
write_text(runs.to_csv(index=False, lineterminator="\n"), snakemake.output.runs)
write_text(summary.to_csv(index=False, lineterminator="\n"), snakemake.output.summary)

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
title = snakemake.params.title
write_text(f"#### {title}\n\n" + markdown(summary, summary_cols), snakemake.output.markdown)
write_text(
    f"#### {title}: every run\n\n" + markdown(runs, run_cols), snakemake.output.runs_markdown
)
print(f"{len(runs)} runs, {len(summary)} settings", file=sys.stderr)
