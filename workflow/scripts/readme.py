"""Snakemake script: render README.md from its template and the result files (rsparity.report)."""

import sys
from pathlib import Path

import yaml

from rsparity.atomic import write_text
from rsparity.gradient.claims import gradient_context
from rsparity.report import basin_context, readme_context, render, study_context

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

inputs = snakemake.input
studies = {
    name: study_context(runs, summary, markdown)
    for name, runs, summary, markdown in zip(
        snakemake.params.studies, inputs.tables, inputs.summaries, inputs.markdown, strict=True
    )
}
context = readme_context(
    studies,
    headline=inputs.headline,
    trace=inputs.trace,
    benchmark=inputs.benchmark,
    cost=inputs.cost,
    literature=yaml.safe_load(Path(inputs.literature).read_text()),
    gradient=gradient_context(
        inputs.gradient_summary, inputs.gradient_markdown, inputs.gradient_timing, inputs.vanishing
    ),
    basin=basin_context(
        inputs.basin_solvers, inputs.basin_nonsolver, studies["scaling"]["summary"]
    ),
)
context["template"] = snakemake.params.template
text = render(inputs.template, context)
write_text(text, snakemake.output[0])
print(f"rendered {len(text)} characters", file=sys.stderr)
