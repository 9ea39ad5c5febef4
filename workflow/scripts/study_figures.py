"""Snakemake script: trials vs N, the ECDF of trials to solve, and the ablations."""

import sys

import pandas as pd
import yaml

from rsparity import plots
from rsparity.tables import paper_rows

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

trials_vs_n, ecdf, ablation, paper = snakemake.output
plots.trials_vs_n(pd.read_csv(snakemake.input.scaling), trials_vs_n)

runs = [
    pd.read_csv(snakemake.input[study]).assign(study=study) for study in ("reliability", "n500")
]
plots.trials_ecdf(pd.concat(runs, ignore_index=True), ecdf)

panels = []
for panel, x in (("hidden", "hidden"), ("weight_scale", "weight_scale"), ("nodiag", "n")):
    summary = pd.read_csv(snakemake.input[panel])
    panels.append(summary.assign(panel=panel, x=summary[x]))
plots.ablation(pd.concat(panels, ignore_index=True), ablation)

reported = yaml.safe_load(open(snakemake.input.literature))["paper"]
plots.paper_comparison(paper_rows(pd.read_csv(snakemake.input.paper), reported), paper)
print("4 study figures", file=sys.stderr)
