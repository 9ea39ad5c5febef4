"""The reference README's nets: ``full`` (H fully recurrent tanh units) and ``nodiag``.

The reference protocol (README.md, "Problem"; the reference README [1]): one
input carrying -1/+1, H tanh units, h_0 = 0, a tanh read-out whose sign must
equal the product of the bits.
"""

from __future__ import annotations

import numpy as np

from ..data import Dataset
from .base import Architecture, Params, State, columns, register


@register
class FullTanh(Architecture):
    """The reference's net: 1 input -> H fully recurrent tanh units -> tanh readout.

    Draw order per trial: W_xh (H), W_hh (H x H, row-major), b_h (H), W_hy (H),
    b_y (1).  ``h_t = tanh(h_{t-1} @ W_hh + x_t W_xh + b_h)``, so ``W_hh[j, i]``
    is the weight from unit j to unit i; h_0 = 0.  Unit i's pre-activation is
    computed as ``h_0 W_hh[0, i]``, then ``+ h_j W_hh[j, i]`` for j = 1..H-1,
    ``+ x_t W_xh[i]``, ``+ b_h[i]``.  A sequence is correct iff
    ``sign(h . W_hy + b_y)`` (the same left fold) equals the product of its
    bits; the read-out's tanh is skipped because it never changes a sign.
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

    def _prepare(self, params: Params) -> dict:
        w_hh = params["W_hh"]
        return {
            "W_xh": columns(params["W_xh"]),
            "W_hh": [columns(w_hh[:, j, :]) for j in range(w_hh.shape[1])],
            "b_h": columns(params["b_h"]),
            "W_hy": columns(params["W_hy"]),
            "b_y": np.ascontiguousarray(params["b_y"]),
        }

    def _zeros(self, params: Params, count: int) -> State:
        trials, hidden = params["b_h"].shape
        return tuple(np.zeros((trials, count)) for _ in range(hidden))

    def _step(self, net: dict, old: State, new: State, xt: np.ndarray, layered: bool) -> None:
        w_hh, w_xh, b_h = net["W_hh"], net["W_xh"], net["b_h"]
        tmp = net["work"][0]
        for i, a in enumerate(new):
            np.multiply(old[0], w_hh[0][i], out=a)
            for j in range(1, len(old)):
                np.multiply(old[j], w_hh[j][i], out=tmp)
                a += tmp
            np.multiply(xt, w_xh[i], out=tmp)
            a += tmp
            a += b_h[i]
            np.tanh(a, out=a)

    def _output(self, net: dict, state: State) -> np.ndarray:
        w_hy = net["W_hy"]
        z = state[0] * w_hy[0]
        for j in range(1, len(state)):
            z += state[j] * w_hy[j]
        z += net["b_y"]
        return z

    def _verdict(self, output: np.ndarray, target: np.ndarray, data: Dataset) -> np.ndarray:
        return np.sign(output) == target

    def _units(self, state: State) -> np.ndarray:
        return np.stack([s[0] for s in state], axis=-1)


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
