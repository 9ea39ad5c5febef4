"""What defines one search, validated: the single source of allowed values.

The CLI and the workflow's config check both call :meth:`SearchSpec.validate`,
so a bad value gets the same one-line message wherever it comes from.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .archs import get_architecture
from .data import check_sample_size
from .errors import InputError

DEFAULTS: dict[str, Any] = {
    "arch": "full",
    "n": 50,
    "hidden": 2,
    "weight_scale": 30.0,
    "sample_size": 2048,
    "max_trials": 200_000,
    "seed": 0,
}


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class SearchSpec:
    """One random search: architecture, data and weight-range settings, seed."""

    arch: str = DEFAULTS["arch"]
    n: int = DEFAULTS["n"]
    hidden: int = DEFAULTS["hidden"]
    weight_scale: float = DEFAULTS["weight_scale"]
    sample_size: int | str = DEFAULTS["sample_size"]
    max_trials: int = DEFAULTS["max_trials"]
    seed: int = DEFAULTS["seed"]

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first bad value and what is allowed."""
        get_architecture(self.arch)
        _check_int("n", self.n, 1)
        _check_int("hidden", self.hidden, 1)
        r = self.weight_scale
        if (
            isinstance(r, bool)
            or not isinstance(r, (int, float))
            or not (math.isfinite(r) and r > 0)
        ):
            raise InputError(f"weight_scale must be a finite number > 0, got {r!r}")
        check_sample_size(self.n, self.sample_size)
        _check_int("max_trials", self.max_trials, 1)
        _check_int("seed", self.seed, 0)

    @property
    def protocol(self) -> str:
        return get_architecture(self.arch).protocol

    def as_params(self) -> dict[str, Any]:
        """The result record's ``params``: every setting plus the protocol name."""
        params = asdict(self)
        params["weight_scale"] = float(self.weight_scale)
        params["protocol"] = self.protocol
        return params
