"""The JSON result record of one search."""

from __future__ import annotations

import platform
from typing import Any

import numpy as np

from . import __version__
from .engine import SearchOutcome, accuracy
from .protocols import evaluation_sets
from .spec import SearchSpec

DETERMINISTIC_KEYS = (
    "params",
    "solved",
    "trials",
    "sequence_steps",
    "weights",
    "train_accuracy",
    "heldout_accuracy",
    "heldout_long_accuracy",
)
"""Keys whose values are byte-identical across runs and machines."""


def build_record(spec: SearchSpec, outcome: SearchOutcome) -> dict[str, Any]:
    """Evaluate the solver (if any) and assemble the result record."""
    record: dict[str, Any] = {
        "params": spec.as_params(),
        "solved": outcome.solved,
        "trials": outcome.trials,
        "sequence_steps": outcome.sequence_steps,
        "weights": None,
        "train_accuracy": None,
        "heldout_accuracy": None,
        "heldout_long_accuracy": None,
    }
    if outcome.solved:
        arch = outcome.stream.arch
        # the weights as the net runs them (a paper variant's zeros / rescaling applied)
        record["weights"] = arch.record(arch.effective(outcome.weights, outcome.stream.data))
        record["train_accuracy"] = accuracy(arch, outcome.weights, outcome.stream.data)
        for key, (data, _) in evaluation_sets(spec).items():
            record[key] = accuracy(arch, outcome.weights, data)
    record["versions"] = {
        "rsparity": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    record["timing"] = {
        "wallclock_s": outcome.wallclock_s,
        "trials_per_s": outcome.trials / outcome.wallclock_s if outcome.wallclock_s else None,
    }
    return record
