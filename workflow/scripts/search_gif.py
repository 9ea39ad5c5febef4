"""Snakemake script: the search animation (best curve, histogram, current best weights)."""

import sys

from rsparity.animation import search_gif
from rsparity.engine import open_stream
from rsparity.spec import SearchSpec
from rsparity.trace import read_trace

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

trace = read_trace(snakemake.input.trace)
stream = open_stream(SearchSpec.from_params(trace["params"]))
search_gif(
    trace,
    lambda k: stream.arch.record(stream.params(k, 1)),
    snakemake.output[0],
    frames=snakemake.params.frames,
)
print(f"{snakemake.params.frames} frames up to trial {trace['trials']}", file=sys.stderr)
