"""Recurrent architectures, registered by name.

An architecture turns a block of uniform weight draws into per-trial parameter
arrays and decides, for many trials and sequences at once, which sequences each
trial classifies correctly.  Every forward pass is written with elementwise
numpy operations in one fixed order, so a trial's result does not depend on
which other trials or sequences share its arrays: that is what makes the
search engine exact under any batching.

To add an architecture: subclass :class:`Architecture` and decorate it with
:func:`register`.  The reference protocol's nets are here; the 1996 paper's
(A1, A2, A2noself) are in :mod:`rsparity.paper`, registered on import of this
module.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from .data import Dataset
from .errors import InputError

Params = dict[str, np.ndarray]
"""Weight arrays of T trials; every array has the trial axis first."""

ARCHITECTURES: dict[str, Architecture] = {}


def register(cls: type[Architecture]) -> type[Architecture]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    ARCHITECTURES[cls.name] = cls()
    return cls


def get_architecture(name: str) -> Architecture:
    """The registered architecture ``name``; :class:`InputError` names the allowed ones."""
    try:
        return ARCHITECTURES[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown arch {name!r}; allowed: {allowed_names()}") from None


def allowed_names() -> str:
    """Registered names grouped by protocol, in registration order (reference first)."""
    groups: dict[str, list[str]] = {}
    for name, arch in ARCHITECTURES.items():
        groups.setdefault(arch.protocol, []).append(name)
    return "; ".join(f"{', '.join(names)} ({proto} protocol)" for proto, names in groups.items())


def select(params: Params, idx: np.ndarray | slice) -> Params:
    """The parameters of the trials ``idx``."""
    return {k: v[idx] for k, v in params.items()}


class Architecture(ABC):
    """A recurrent net family: weight layout, forward pass, success criterion."""

    name: ClassVar[str]
    protocol: ClassVar[str]
    """Name of the data/criterion protocol (see :mod:`rsparity.protocols`)."""

    @abstractmethod
    def n_weights(self, hidden: int) -> int:
        """Number of uniform draws per trial."""

    @abstractmethod
    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        """Split (T, n_weights) draws into named (T, ...) arrays."""

    @abstractmethod
    def correct(self, params: Params, data: Dataset, start: int, stop: int) -> np.ndarray:
        """Bool (T, stop - start): which of sequences start..stop each trial gets right."""

    @abstractmethod
    def states(self, params: Params, data: Dataset) -> np.ndarray:
        """Activations of one trial over time: (L, B, units), for plots."""

    def record(self, params: Params) -> dict[str, list]:
        """One trial's weights as JSON-ready nested lists."""
        return {k: v[0].tolist() for k, v in params.items()}


def _columns(a: np.ndarray) -> list[np.ndarray]:
    """(T, H) -> H contiguous (T, 1) columns, for broadcasting over sequences."""
    return [np.ascontiguousarray(a[:, i : i + 1]) for i in range(a.shape[1])]


@register
class FullTanh(Architecture):
    """The reference's net: 1 input -> H fully recurrent tanh units -> tanh readout.

    Draw order per trial: W_xh (H), W_hh (H x H, row-major), b_h (H), W_hy (H),
    b_y (1).  ``h_t = tanh(h_{t-1} @ W_hh + x_t W_xh + b_h)``, so ``W_hh[j, i]``
    is the weight from unit j to unit i; h_0 = 0.  A sequence is correct iff
    ``sign(tanh(h . W_hy + b_y))`` equals the product of its bits; the tanh is
    skipped because it never changes a sign.
    """

    name = "full"
    protocol = "reference"

    def n_weights(self, hidden: int) -> int:
        return hidden + hidden * hidden + hidden + hidden + 1

    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        h = hidden
        t = draws.shape[0]
        cuts = np.cumsum([h, h * h, h, h])
        w_xh, w_hh, b_h, w_hy, b_y = np.split(draws, cuts, axis=1)
        return {
            "W_xh": w_xh,
            "W_hh": w_hh.reshape(t, h, h),
            "b_h": b_h,
            "W_hy": w_hy,
            "b_y": b_y,
        }

    def _run(self, p: Params, data: Dataset, start: int, stop: int, keep: bool):
        x = data.x[:, start:stop]
        lengths = data.lengths[start:stop]
        hidden = p["W_xh"].shape[1]
        trials = p["W_xh"].shape[0]
        w_xh = _columns(p["W_xh"])
        w_hh = [_columns(p["W_hh"][:, j, :]) for j in range(hidden)]
        b_h = _columns(p["b_h"])
        h = [np.zeros((trials, stop - start)) for _ in range(hidden)]
        history = []
        ragged = not np.all(lengths == x.shape[0])
        for t in range(x.shape[0]):
            xt = x[t]
            new = []
            for i in range(hidden):
                a = h[0] * w_hh[0][i]
                for j in range(1, hidden):
                    a += h[j] * w_hh[j][i]
                a += xt * w_xh[i]
                a += b_h[i]
                np.tanh(a, out=a)
                new.append(a)
            if ragged:
                new = [np.where(t < lengths, a, old) for a, old in zip(new, h, strict=True)]
            h = new
            if keep:
                history.append(np.stack(h, axis=-1))
        return h, history

    def correct(self, params: Params, data: Dataset, start: int, stop: int) -> np.ndarray:
        h, _ = self._run(params, data, start, stop, keep=False)
        w_hy = _columns(params["W_hy"])
        z = h[0] * w_hy[0]
        for j in range(1, len(h)):
            z += h[j] * w_hy[j]
        z += params["b_y"]
        return np.sign(z) == data.target[start:stop]

    def states(self, params: Params, data: Dataset) -> np.ndarray:
        _, history = self._run(params, data, 0, data.size, keep=True)
        return np.stack(history)[:, 0]


@register
class NoDiagTanh(FullTanh):
    """The reference's "A2": the same draw as ``full``, then the W_hh diagonal set to 0.

    Zeroing after the draw keeps the random stream aligned with ``full``.
    """

    name = "nodiag"

    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        params = super().unpack(draws, hidden)
        w_hh = params["W_hh"].copy()
        idx = np.arange(hidden)
        w_hh[:, idx, idx] = 0.0
        params["W_hh"] = w_hh
        return params


from . import paper  # noqa: E402, F401  (registers A1, A2, A2noself after the reference nets)
