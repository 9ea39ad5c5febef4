"""What defines one search, validated: the single source of allowed values.

The CLI and the workflow's config check both call :meth:`SearchSpec.validate`,
so a bad value gets the same one-line message wherever it comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from .data import ORDERS, READOUTS, VARIANTS, check_sample_size
from .errors import InputError
from .nets import ARCHITECTURES, get_architecture

DEFAULTS: dict[str, Any] = {
    "arch": "full",
    "n": 50,
    "hidden": 2,
    "weight_scale": 30.0,
    "sample_size": 2048,
    "max_trials": 200_000,
    "seed": 0,
    "order": ORDERS[0],
    "readout": READOUTS[0],
    "noise": 0.0,
    "variant": VARIANTS[0],
}
MAX_WEIGHT_SCALE = 1e300
"""Largest weight_scale r: numpy's uniform(-r, r) needs 2r finite, and a unit sums its
weights (H + 2 terms of at most 2r each) without overflowing far beyond any H that fits."""
PAPER_OPTIONS = ("order", "readout", "noise", "variant")
"""Settings only the paper protocol has; reference-protocol records leave them out."""
OMITTED_DEFAULTS = ("variant",)
"""Paper options added later: a record (and its result path) names them only when they
differ from the default, so every earlier record and path stays as it was."""


def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InputError(f"{name} must be one of {choices}, got {value!r}")


def _paper_archs() -> str:
    return ", ".join(n for n, a in ARCHITECTURES.items() if a.protocol == "paper")


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class SearchSpec:
    """One random search: architecture, data and weight-range settings, seed.

    ``order``, ``readout``, ``noise`` and ``variant`` exist only in the paper
    protocol (:mod:`rsparity.nets.paper`, :func:`rsparity.data.paper_set`); a
    reference-protocol arch accepts only their defaults.  A ``variant`` that
    changes nothing for the net is refused.
    """

    arch: str = DEFAULTS["arch"]
    n: int = DEFAULTS["n"]
    hidden: int = DEFAULTS["hidden"]
    weight_scale: float = DEFAULTS["weight_scale"]
    sample_size: int | str = DEFAULTS["sample_size"]
    max_trials: int = DEFAULTS["max_trials"]
    seed: int = DEFAULTS["seed"]
    order: str = DEFAULTS["order"]
    readout: str = DEFAULTS["readout"]
    noise: float = DEFAULTS["noise"]
    variant: str = DEFAULTS["variant"]

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first bad value and what is allowed."""
        paper = get_architecture(self.arch).protocol == "paper"
        _check_int("n", self.n, 1)
        _check_int("hidden", self.hidden, 1)
        r = self.weight_scale
        if (
            isinstance(r, bool)
            or not isinstance(r, (int, float))
            or not (math.isfinite(r) and r > 0)
        ):
            raise InputError(f"weight_scale must be a finite number > 0, got {r!r}")
        if r > MAX_WEIGHT_SCALE:
            raise InputError(
                f"weight_scale must be <= {MAX_WEIGHT_SCALE:g} (weights are U[-r, r]: 2r and "
                f"every sum of weights must stay a finite float), got {r!r}"
            )
        if paper and self.sample_size == "all":
            raise InputError(
                f"sample_size 'all' is not available for arch {self.arch!r} "
                "(paper protocol: random lengths); give an integer >= 1"
            )
        check_sample_size(self.n, self.sample_size)
        _check_int("max_trials", self.max_trials, 1)
        _check_int("seed", self.seed, 0)
        _check_choice("order", self.order, ORDERS)
        _check_choice("readout", self.readout, READOUTS)
        v = self.noise
        if (
            isinstance(v, bool)
            or not isinstance(v, (int, float))
            or not (math.isfinite(v) and 0 <= v < 1)
        ):
            raise InputError(f"noise must be a finite number in [0, 1), got {v!r}")
        _check_choice("variant", self.variant, VARIANTS)
        if not paper:
            for name in PAPER_OPTIONS:
                value = getattr(self, name)
                if value != DEFAULTS[name]:
                    raise InputError(
                        f"{name} {value!r} applies only to paper-protocol archs "
                        f"({_paper_archs()}); arch {self.arch!r} follows the reference protocol"
                    )
        else:
            refusal = get_architecture(self.arch).refusal(self.variant, self.weight_scale)
            if refusal:
                raise InputError(refusal)

    @property
    def protocol(self) -> str:
        return get_architecture(self.arch).protocol

    def as_params(self) -> dict[str, Any]:
        """The result record's ``params``: every setting plus the protocol name
        (``OMITTED_DEFAULTS`` only when not at their default)."""
        params = {f.name: getattr(self, f.name) for f in fields(self)}
        params["weight_scale"] = float(self.weight_scale)
        if self.protocol == "paper":
            params["noise"] = float(self.noise)
            for name in OMITTED_DEFAULTS:
                if params[name] == DEFAULTS[name]:
                    del params[name]
        else:
            for name in PAPER_OPTIONS:
                del params[name]
        params["protocol"] = self.protocol
        return params

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SearchSpec:
        """Inverse of :meth:`as_params`; ``protocol`` is derived from the arch, so dropped."""
        return cls(**{k: v for k, v in params.items() if k != "protocol"})
