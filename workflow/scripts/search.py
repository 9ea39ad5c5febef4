"""Snakemake script: run one search and write its JSON record atomically."""

from rsparity.engine import search
from rsparity.record import build_record, write_json
from rsparity.spec import SearchSpec

snakemake = snakemake  # noqa: F821 - injected by Snakemake

spec = SearchSpec.from_params(snakemake.params.spec)
outcome = search(spec, workers=snakemake.threads)
write_json(build_record(spec, outcome), snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    state = "solved" if outcome.solved else "not solved"
    print(f"{state}: {outcome.trials} trials in {outcome.wallclock_s:.3f} s", file=log)
