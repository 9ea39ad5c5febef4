"""Snakemake script: the headline run's four panels (rsparity.panels)."""

import json
import sys

from rsparity.panels import PANELS, draw_panels
from rsparity.trace import read_trace

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

record = json.loads(open(snakemake.input.record).read())
paths = dict(zip(PANELS, snakemake.output, strict=True))
draw_panels(record, read_trace(snakemake.input.trace), paths)
print(f"{len(PANELS)} figures for trial {record['trials']}", file=sys.stderr)
