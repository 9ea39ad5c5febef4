"""Data protocols: how a search's training set and evaluation sets are drawn.

``reference`` (README.md, "Problem"): fixed-length +-1 sequences, target the
product of the bits; held-out sets from ``default_rng(seed + 10000)`` and
``default_rng(seed + 20000)``.

``paper`` (README.md references 2, 3; :func:`rsparity.data.paper_set`): sample_size
sequences of length n..n + n//5, half odd, optional input noise; weights
follow from the same generator.  Held-out: a separate set of the same kind
(sample_size sequences, ``default_rng(seed + 10000)``) and 100 sequences 10x
longer (``default_rng(seed + 20000)``), each with its own noise draw.
"""

from __future__ import annotations

import numpy as np

from .data import (
    HELDOUT_SEED_OFFSET,
    HELDOUT_SIZE,
    LONG_FACTOR,
    LONG_SEED_OFFSET,
    LONG_SIZE,
    PAPER_LONG_SIZE,
    Dataset,
    heldout_set,
    long_heldout_set,
    paper_length_range,
    paper_set,
    reference_training_set,
)
from .spec import SearchSpec


def _paper_set(rng: np.random.Generator, spec: SearchSpec, n: int, count: int) -> Dataset:
    return paper_set(
        rng, n, count, spec.noise, spec.order, spec.readout, spec.variant, spec.weight_scale
    )


def training_set(rng: np.random.Generator, spec: SearchSpec) -> Dataset:
    """Draw the training set from ``rng`` (the generator that then draws the weights)."""
    if spec.protocol == "paper":
        return _paper_set(rng, spec, spec.n, spec.sample_size)
    return reference_training_set(rng, spec.n, spec.sample_size)


def _paper_description(count: int, n: int, seed: int, noise: float) -> str:
    lo, hi = paper_length_range(n)
    text = f"{count} sequences of length {lo}-{hi}, half odd, seed={seed}"
    return text + (f", input noise U[-{noise:g}, {noise:g}]" if noise > 0 else "")


def heldout_examples(spec: SearchSpec, count: int) -> Dataset:
    """The first ``count`` sequences of the held-out set, for plots."""
    return evaluation_sets(spec)["heldout_accuracy"][0].head(count)


def evaluation_sets(spec: SearchSpec) -> dict[str, tuple[Dataset, str]]:
    """Held-out sets by result key, each with a human description."""
    if spec.protocol == "paper":
        held_seed = spec.seed + HELDOUT_SEED_OFFSET
        long_seed = spec.seed + LONG_SEED_OFFSET
        long_n = LONG_FACTOR * spec.n
        return {
            "heldout_accuracy": (
                _paper_set(np.random.default_rng(held_seed), spec, spec.n, spec.sample_size),
                _paper_description(spec.sample_size, spec.n, held_seed, spec.noise),
            ),
            "heldout_long_accuracy": (
                _paper_set(np.random.default_rng(long_seed), spec, long_n, PAPER_LONG_SIZE),
                _paper_description(PAPER_LONG_SIZE, long_n, long_seed, spec.noise),
            ),
        }
    return {
        "heldout_accuracy": (
            heldout_set(spec.seed, spec.n),
            f"{HELDOUT_SIZE} random sequences, seed={spec.seed + HELDOUT_SEED_OFFSET}",
        ),
        "heldout_long_accuracy": (
            long_heldout_set(spec.seed, spec.n),
            f"{LONG_SIZE} random sequences of length {LONG_FACTOR * spec.n}, "
            f"seed={spec.seed + LONG_SEED_OFFSET}",
        ),
    }
