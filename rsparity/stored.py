"""Result records read back from disk, checked: a damaged file is an error naming it.

A record under ``results/search`` may be cut short (a disk filled up, a copy
interrupted) or edited by hand.  :func:`read_record` refuses it - invalid
JSON, a missing or mistyped field, or ``params`` that do not belong at its path
(:func:`rsparity.studies.result_path`) - instead of letting a table be built
from it.  The message says how to recover: delete the file and rerun.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .errors import InputError
from .spec import SearchSpec
from .studies import result_path

REQUIRED_KEYS = (
    "params",
    "solved",
    "trials",
    "sequence_steps",
    "weights",
    "train_accuracy",
    "heldout_accuracy",
    "heldout_long_accuracy",
)
"""What every record must have: ``rsparity.record.DETERMINISTIC_KEYS`` (not imported from
there: that would make the tables depend on the engine's code; a test keeps them equal)."""
ACCURACY_KEYS = ("train_accuracy", "heldout_accuracy", "heldout_long_accuracy")


def _accuracy(value: Any) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and 0 <= value <= 1
    )


def _problem(rec: Any, path: Path) -> str | None:
    """What is wrong with the parsed record ``rec`` found at ``path``, or None."""
    if not isinstance(rec, dict):
        return f"not a JSON object but {type(rec).__name__}"
    missing = [k for k in REQUIRED_KEYS if k not in rec]
    if missing:
        return f"missing {', '.join(missing)}"
    params = rec["params"]
    if not isinstance(params, dict):
        return f"params must be an object, got {params!r}"
    try:
        spec = SearchSpec.from_params(params)
    except (InputError, TypeError) as err:
        return f"params: {err}"
    if params != spec.as_params():
        return f"params {params!r} are not a complete search's (protocol {spec.protocol!r})"
    expected = Path(result_path(spec, "root")).parts[1:]  # <arch>/<setting>/seed<k>.json
    if path.parts[-len(expected) :] != expected:
        return f"its params belong at {'/'.join(expected)!r} under results/search, not here"
    solved, trials = rec["solved"], rec["trials"]
    if not isinstance(solved, bool):
        return f"solved must be true or false, got {solved!r}"
    if isinstance(trials, bool) or not isinstance(trials, int) or not 0 < trials <= spec.max_trials:
        return f"trials must be an integer from 1 to max_trials={spec.max_trials}, got {trials!r}"
    if not solved and trials != spec.max_trials:
        return f"an unsolved search runs max_trials={spec.max_trials} trials, got {trials!r}"
    steps = rec["sequence_steps"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < trials:
        return f"sequence_steps must be an integer >= trials={trials}, got {steps!r}"
    for key in ACCURACY_KEYS:
        value = rec[key]
        if solved and not _accuracy(value):
            return f"{key} of a solved search must be a number in [0, 1], got {value!r}"
        if not solved and value is not None:
            return f"{key} of an unsolved search must be null, got {value!r}"
    if solved != isinstance(rec["weights"], dict):
        return f"weights must be an object exactly when solved, got {type(rec['weights']).__name__}"
    return None


def read_record(path: str | Path) -> dict[str, Any]:
    """The result record at ``path``; :class:`InputError` naming the file if it is damaged."""
    try:
        text = Path(path).read_text()
        rec = json.loads(text)
    except json.JSONDecodeError as err:
        problem = f"invalid JSON ({err.msg} at line {err.lineno} column {err.colno})"
    except (OSError, UnicodeDecodeError) as err:
        problem = f"unreadable ({err})"
    else:
        problem = _problem(rec, Path(path))
    if problem is not None:
        raise InputError(
            f"damaged result record {str(path)}: {problem}; delete it and rerun to recompute it"
        )
    return rec
