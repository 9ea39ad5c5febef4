"""Snakemake script: the headline run's search curve, histogram, weights, trajectories."""

import json

import numpy as np

from rsparity import plots
from rsparity.data import HELDOUT_SEED_OFFSET, Dataset, random_sequences
from rsparity.nets import get_architecture
from rsparity.trace import read_trace

snakemake = snakemake  # noqa: F821 - injected by Snakemake

SEQUENCES = 6
record = json.loads(open(snakemake.input.record).read())
trace = read_trace(snakemake.input.trace)
curve, histogram, hinton, trajectories = snakemake.output

plots.search_curve(trace, curve)
plots.score_histogram(trace, histogram)
plots.hinton(record["weights"], hinton)

# Hidden states of the solver on the first held-out sequences (same generator).
p = record["params"]
arch = get_architecture(p["arch"])
weights = {k: np.array([v]) for k, v in record["weights"].items()}
bits = random_sequences(np.random.default_rng(p["seed"] + HELDOUT_SEED_OFFSET), SEQUENCES, p["n"])
data = Dataset.from_bits(bits)
states = arch.states(weights, data)
correct = arch.correct(weights, data, 0, SEQUENCES)[0]
plots.hidden_trajectories(states, bits, correct, trajectories)
with open(snakemake.log[0], "w") as log:
    print(f"4 figures for trial {record['trials']}", file=log)
