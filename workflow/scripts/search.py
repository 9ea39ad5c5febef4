"""Snakemake script: run one search and write its JSON record atomically."""

import sys

from rsparity.atomic import write_json
from rsparity.engine import search
from rsparity.record import build_record
from rsparity.spec import SearchSpec

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

spec = SearchSpec.from_params(snakemake.params.spec)
outcome = search(spec, workers=snakemake.threads)
write_json(build_record(spec, outcome), snakemake.output[0])
state = "solved" if outcome.solved else "not solved"
print(f"{state}: {outcome.trials} trials in {outcome.wallclock_s:.3f} s", file=sys.stderr)
