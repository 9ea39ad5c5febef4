"""Snakemake script: the headline record -> one weight-space slice (rsparity.basin)."""

import json
import sys
from pathlib import Path

from rsparity.slices import record_slice, solver_area, write_slice

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

record = json.loads(Path(snakemake.input.record).read_text())
wildcards = snakemake.wildcards
basin = record_slice(record, wildcards.centre, int(wildcards.n), snakemake.params.grid)
write_slice(basin, snakemake.output[0])
print(f"trial {basin['trial']}: solver area {solver_area(basin):.4f}", file=sys.stderr)
