"""Data protocols: how a search's training set and evaluation sets are drawn."""

from __future__ import annotations

import numpy as np

from .data import (
    HELDOUT_SEED_OFFSET,
    HELDOUT_SIZE,
    LONG_FACTOR,
    LONG_SEED_OFFSET,
    LONG_SIZE,
    Dataset,
    heldout_set,
    long_heldout_set,
    reference_training_set,
)
from .spec import SearchSpec


def training_set(rng: np.random.Generator, spec: SearchSpec) -> Dataset:
    """Draw the training set from ``rng`` (the generator that then draws the weights)."""
    return reference_training_set(rng, spec.n, spec.sample_size)


def evaluation_sets(spec: SearchSpec) -> dict[str, tuple[Dataset, str]]:
    """Held-out sets by result key, each with a human description."""
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
