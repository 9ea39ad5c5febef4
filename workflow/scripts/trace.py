"""Snakemake script: replay one search's trial stream and record its accuracies."""

import sys

from rsparity.spec import SearchSpec
from rsparity.trace import trace_search, write_trace

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

trace = trace_search(SearchSpec.from_params(snakemake.params.spec), every=snakemake.params.every)
write_trace(trace, snakemake.output[0])
print(f"traced {trace['trials']} trials in {trace['timing']['wallclock_s']:.1f} s", file=sys.stderr)
