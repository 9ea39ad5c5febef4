"""Snakemake script: trials vs N, the ECDF of trials to solve, and the ablations."""

import pandas as pd
import yaml

from rsparity import plots

snakemake = snakemake  # noqa: F821 - injected by Snakemake

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
ours = pd.read_csv(snakemake.input.paper)
ours["key"] = ours["arch"] + ours["noise"].gt(0).map({True: "_noise", False: ""})
ours["label"] = ours["arch"] + ", H=" + ours["hidden"].astype(str)
ours.loc[ours["noise"] > 0, "label"] += ", noise " + ours["noise"].astype(str)
ours["paper"] = ours["key"].map(reported)
plots.paper_comparison(ours, paper)
with open(snakemake.log[0], "w") as log:
    print("3 study figures", file=log)
