"""Snakemake script: the gradient cells' records -> gradient tables, and their timing apart."""

import json
import sys
from pathlib import Path

from rsparity.atomic import write_text
from rsparity.gradient.tables import runs_frame, summary_frame, summary_markdown, timing_frame

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

records = [json.loads(Path(p).read_text()) for p in snakemake.input.cells]
runs = runs_frame(records)
summary = summary_frame(runs)
out = snakemake.output
write_text(runs.to_csv(index=False, lineterminator="\n"), out.runs)
write_text(summary.to_csv(index=False, lineterminator="\n"), out.summary)
write_text(summary_markdown(summary), out.markdown)
write_text(timing_frame(records).to_csv(index=False, lineterminator="\n"), out.timing)
print(f"{len(runs)} cells, {len(summary)} after choosing the learning rate", file=sys.stderr)
