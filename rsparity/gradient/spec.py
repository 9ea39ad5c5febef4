"""What defines one gradient-descent cell, validated; and which random search it mirrors."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import InputError
from ..spec import SearchSpec

NETS = ("full", "A1", "A2", "lstm")
METHODS = ("momentum", "adam")
REGIMES = ("fixed", "variable")
INITS = ("small", "glorot", "search")
MAX_N = 2000
MAX_RESTARTS = 256
PAPER_SAMPLE_SIZE = 100
"""Training sequences of the paper protocol (the paper's 100)."""
PAPER_WEIGHT_SCALE = 100.0
"""The paper's random-search weight range U[-100, 100]."""


def _bad(key: str, value: Any, allowed: str) -> InputError:
    return InputError(f"gradient {key}: {value!r} is not allowed; allowed: {allowed}")


def _int_at_least(key: str, value: Any, lo: int, hi: int | None = None) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= lo
    if ok and hi is not None:
        ok = value <= hi
    if not ok:
        span = f"an integer >= {lo}" if hi is None else f"an integer {lo}..{hi}"
        raise _bad(key, value, span)


@dataclass(frozen=True, kw_only=True)
class GradientSpec:
    """One cell of the gradient study: net, data regime, optimiser, and how many restarts.

    Restart r uses seed r (r = 0..restarts-1): its training set is the one the
    random search with that seed sees (:meth:`search_spec`), so "solved" means
    the same thing for both methods.  ``sample_size`` is the number of training
    sequences of the reference protocol (full, lstm); the paper nets always get
    the paper's 100.  A mini-batch size at or above the training set's size means
    full batch.
    """

    net: str = "full"
    hidden: int = 2
    n: int = 10
    method: str = "adam"
    lr: float = 0.01
    regime: str = "fixed"
    init: str = "small"
    batch: int | str = "full"
    restarts: int = 16
    sample_size: int = 1024

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InputError` (one line: key, bad value, what is allowed)."""
        for key, allowed in (("net", NETS), ("method", METHODS), ("regime", REGIMES)):
            value = getattr(self, key)
            if not isinstance(value, str) or value not in allowed:
                raise _bad(key, value, ", ".join(allowed))
        if not isinstance(self.init, str) or self.init not in INITS:
            raise _bad("init", self.init, ", ".join(INITS))
        _int_at_least("hidden", self.hidden, 1)
        _int_at_least("n", self.n, 1, MAX_N)
        lr = self.lr
        if (
            isinstance(lr, bool)
            or not isinstance(lr, (int, float))
            or not (math.isfinite(lr) and lr > 0)
        ):
            raise _bad("lr", lr, "a finite number > 0")
        if self.batch != "full":
            b = self.batch
            if isinstance(b, bool) or not isinstance(b, int) or b < 1:
                raise _bad("batch", b, "'full' or an integer >= 1")
        _int_at_least("restarts", self.restarts, 1, MAX_RESTARTS)
        _int_at_least("sample_size", self.sample_size, 1)

    @property
    def protocol(self) -> str:
        """``"reference"`` for full and lstm, ``"paper"`` for A1 and A2."""
        return "paper" if self.net in ("A1", "A2") else "reference"

    def search_spec(self, seed: int) -> SearchSpec:
        """The random search whose training set (and evaluation sets) restart ``seed`` gets.

        The LSTM has no search twin: it gets the data of ``full`` with H = 2.
        """
        if self.protocol == "paper":
            return SearchSpec(
                arch=self.net,
                n=self.n,
                hidden=self.hidden,
                weight_scale=PAPER_WEIGHT_SCALE,
                sample_size=PAPER_SAMPLE_SIZE,
                order="layered",
                readout="last",
                seed=seed,
            )
        hidden = 2 if self.net == "lstm" else self.hidden
        return SearchSpec(
            arch="full", n=self.n, hidden=hidden, sample_size=self.sample_size, seed=seed
        )

    @property
    def training_size(self) -> int:
        """Training sequences per restart (the paper nets always use the paper's 100)."""
        return PAPER_SAMPLE_SIZE if self.protocol == "paper" else self.sample_size

    def as_params(self) -> dict[str, Any]:
        """Every setting, JSON-able (``lr`` as a float)."""
        params = asdict(self)
        params["lr"] = float(self.lr)
        return params

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> GradientSpec:
        """Inverse of :meth:`as_params`."""
        return cls(**params)
