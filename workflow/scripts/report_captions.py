"""Snakemake script: the report's generated captions from the tables (rsparity.captions)."""

import sys

import yaml

from rsparity.captions import captions, write_captions

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

inputs = snakemake.input
texts = captions(
    summaries=dict(zip(snakemake.params.studies, inputs.summaries, strict=True)),
    markdown=dict(zip(snakemake.params.studies, inputs.markdown, strict=True)),
    headline_runs=inputs.headline_runs,
    gradient_summary=inputs.gradient_summary,
    gradient_markdown=inputs.gradient_markdown,
    gradient_runs=inputs.gradient_runs,
    benchmark=inputs.benchmark,
    literature=yaml.safe_load(open(inputs.literature)),
    titles=snakemake.params.titles,
)
write_captions(texts, snakemake.params.static, snakemake.output)
print(f"{len(snakemake.output)} captions", file=sys.stderr)
