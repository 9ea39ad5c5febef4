"""The JSON result record of one search, and its atomic write."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .engine import SearchOutcome, accuracy
from .errors import InputError
from .protocols import evaluation_sets
from .spec import SearchSpec

DETERMINISTIC_KEYS = (
    "params",
    "solved",
    "trials",
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
        "weights": None,
        "train_accuracy": None,
        "heldout_accuracy": None,
        "heldout_long_accuracy": None,
    }
    if outcome.solved:
        arch = outcome.stream.arch
        record["weights"] = arch.record(outcome.weights)
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


def check_writable(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` unless ``path`` can be created or replaced."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"--json path {str(path)!r} is a directory; give a file path")
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(
            f"--json path {str(path)!r} is not writable: its directory must exist and be writable"
        )


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` atomically: a temp file in the same directory, then rename.

    A reader (or a killed job) never sees a half-written file.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(data: Any, path: str | os.PathLike) -> None:
    """Write ``data`` as indented JSON, atomically (:func:`write_text`)."""
    write_text(json.dumps(data, indent=1) + "\n", path)
