"""The 1996 paper's architectures A1, A2 and A2 without self-connections.

Hochreiter & Schmidhuber's random-guessing parity nets (README.md references 2, 3):
logistic-sigmoid units, one input unit carrying -1/+1 (plus optional noise),
every activation 0 at the start of a sequence, target 1 for an odd and 0 for
an even number of 1 bits, a sequence correct iff ``|output - target| < 0.1``
when the output is read.  The data protocol (lengths, classes, noise) is
:func:`rsparity.data.paper_set`.

Options the paper leaves open travel with the data (:class:`PaperDataset`):

``order="sync"``
    every non-input unit is computed from the previous step's activations and
    the current input;
``order="layered"``
    within a step the input is followed by the hidden units (which see the
    previous step's activations) and then the output unit, which sees this
    step's hidden activations (and, in A1, its own previous activation);
``readout="last"``
    the output is read right after the step of a sequence's last input;
``readout="extra"``
    one more step with input 0.0 is run first;
``variant``
    one further detail the paper leaves open (default ``"none"``, the nets as
    described below).  Every variant draws exactly the base net's numbers per
    trial (the random stream stays aligned) and then zeroes or rescales some of
    them (:meth:`PaperNet.effective`, applied by the time loop and the
    automaton, and to the recorded weights), or changes the data or the
    criterion:

    * ``no_output_bias``: the output unit has no bias ("each hidden unit has a
      bias weight" is all A1's description says; A2's says "all units are
      biased");
    * ``no_output_self``: the output unit has no self-connection (A1 only: A2's
      output has none);
    * ``no_hidden_self``: the hidden units have no self-connections (A2 without
      self-connections applies this to A2; for A1 "fully connected" may not
      include self-loops);
    * ``no_self_loops``: no unit has a self-connection (A1 only: "fully
      connected" read as every unit to every *other* unit);
    * ``input_hidden_only``: the input feeds the hidden units only, not the
      output ("fully connected" read as input -> hidden -> output layers);
    * ``no_output_feedback``: the output unit feeds no hidden unit ("fully
      connected" read as a fully recurrent hidden layer with the output unit
      as its read-out);
    * ``inputs01``: inputs 0/1 (``bit + noise``) instead of -1/+1 (the usual
      coding of bits; the sources say -1.0 / 1.0 "unless mentioned otherwise",
      so this checks whether a coding slip would explain A1);
    * ``threshold``: a sequence is correct iff the output is on the right side
      of 0.5 (``|output - target| < 0.5``) instead of within 0.1 of the target
      ("correct classification" read as a threshold test; the sources define it
      by the absolute error below 0.1);
    * ``bias_range_1``: biases drawn from U[-1, 1] instead of the weights'
      range ("we randomly initialize weights in [-100, 100]" might not cover
      the bias weights): every drawn bias divided by the weight scale r.

    A variant that would change nothing for a net is refused
    (:meth:`PaperNet.refusal`, checked by :class:`~rsparity.spec.SearchSpec`).

Exactness.  Every pre-activation is a left fold in one documented order - bias,
then input weight * input, then the recurrent terms by source unit (hidden
units 0..H-1, then the output unit) - written with elementwise numpy operations
only (no matmul, no reductions), so a trial's result is bit-identical whatever
trials and sequences share its arrays.  The logistic function is
``sigmoid(a) = 0.5 * (1.0 + tanh(0.5 * a))``, computed in exactly that order:
it never overflows or warns, gives exactly 0.0 and 1.0 once |a| > ~38, and
numpy's tanh returns the same bits for a value in any array shape or as a
scalar (checked on this project's AVX-512 machine; ``math.tanh`` differs in the
last bit, so plain re-implementations must use ``np.tanh``).  After a
sequence's read-out step its state is frozen (``np.copyto(..., where=...)``),
so sequences of different lengths share arrays and each sequence's output is
read at its own length (the time loop and the automaton of
:class:`~rsparity.nets.base.Architecture`).
"""

from __future__ import annotations

import numpy as np

from ..data import ORDERS, READOUTS, VARIANTS, Dataset, PaperDataset
from .base import Architecture, Params, State, columns, register

TOLERANCE = 0.1
"""A sequence is correct iff |output - target| < TOLERANCE at read-out."""
THRESHOLD_TOLERANCE = 0.5
"""``variant="threshold"``: |output - target| < 0.5, i.e. the output on the target's side of
0.5 (exactly 0.5 is wrong for both targets)."""
WEIGHT_VARIANTS = (
    "no_output_bias",
    "no_output_self",
    "no_hidden_self",
    "no_self_loops",
    "input_hidden_only",
    "no_output_feedback",
    "bias_range_1",
)
"""The variants that zero or rescale drawn weights (the others change data or criterion)."""


def _halfv_(a: np.ndarray) -> None:
    """In place: ``0.5 * a`` -> ``v = 1 + tanh(0.5 * a)``, twice the unit's activation."""
    np.tanh(a, out=a)
    a += 1.0


def _stacked(a: np.ndarray, scale: float) -> np.ndarray:
    """(T, K) -> contiguous (K, T, 1) times ``scale``, for broadcasting over units and sequences."""
    return np.ascontiguousarray(a.T[:, :, None]) * scale


class PaperNet(Architecture):
    """What the paper's nets share: options, the logistic state, the criterion.

    Internally a unit's state is ``v = 1 + tanh(0.5 * a)`` (twice its
    activation) and the net computes ``0.5 * a`` directly, with bias and input
    weights halved and recurrent weights quartered.  Scaling by a power of two
    is exact in binary floating point, so every ``0.5 * a``, tanh and
    activation ``0.5 * v`` is bit-identical to the documented formula (for
    weights far above the subnormal range, i.e. weight_scale >= 1e-250) while
    saving two of the four operations of each logistic.  The output unit's
    state array is the last.
    """

    protocol = "paper"

    refused: dict[str, str] = {}
    """Variants that change nothing (or repeat another variant) for this net, with why."""

    def refusal(self, variant: str, weight_scale: float) -> str | None:
        """Why ``variant`` is refused for this net at ``weight_scale``, or None."""
        if variant in self.refused:
            why = self.refused[variant]
            return f"variant {variant!r} changes nothing for arch {self.name!r}: {why}"
        if variant == "bias_range_1" and weight_scale == 1:
            return (
                f"variant 'bias_range_1' changes nothing for arch {self.name!r} at "
                "weight_scale 1 (the biases are already in [-1, 1])"
            )
        return None

    def _check(self, data: Dataset) -> None:
        if not isinstance(data, PaperDataset):
            raise TypeError(f"arch {self.name!r} needs a PaperDataset (see rsparity.protocols)")
        if data.order not in ORDERS or data.readout not in READOUTS:
            raise ValueError(f"unknown order/readout {data.order!r}/{data.readout!r}")
        if data.variant not in VARIANTS or data.variant in self.refused:
            raise ValueError(f"variant {data.variant!r} not available for arch {self.name!r}")

    def effective(self, params: Params, data: Dataset) -> Params:
        """The drawn weights with ``data.variant``'s zeros or rescaling (new arrays)."""
        variant = getattr(data, "variant", VARIANTS[0])
        if variant not in WEIGHT_VARIANTS:
            return params
        out = {k: v.copy() for k, v in params.items()}
        self._vary(out, variant, data.weight_scale)
        return out

    def _vary(self, params: Params, variant: str, weight_scale: float) -> None:
        """In place: apply a weight variant to copied parameters."""
        raise NotImplementedError

    def automaton_applies(self, data: Dataset, start: int = 0, stop: int | None = None) -> bool:
        """As for every net, but never with 0/1 inputs (the automaton steps on -1 / +1)."""
        if getattr(data, "variant", VARIANTS[0]) == "inputs01":
            return False
        return super().automaton_applies(data, start, stop)

    def _options(self, data: Dataset) -> tuple[bool, bool]:
        return data.order == "layered", data.readout == "extra"

    def _output(self, net: dict, state: State) -> np.ndarray:
        return state[-1]

    def _verdict(self, output: np.ndarray, target: np.ndarray, data: Dataset) -> np.ndarray:
        threshold = getattr(data, "variant", VARIANTS[0]) == "threshold"
        return np.abs(0.5 * output - target) < (THRESHOLD_TOLERANCE if threshold else TOLERANCE)


@register
class A1(PaperNet):
    """A1: H hidden units and the output unit, fully recurrent among themselves.

    Units ``u = 0..H-1`` are the hidden units, unit H is the output unit
    (U = H + 1).  Every unit gets the input, a bias and a weight from every unit
    including itself.  Draw order per trial (U + U*U + U uniform draws):
    ``W_in`` (U), ``W_rec`` (U x U, row-major; ``W_rec[j, i]`` is the weight
    from unit j to unit i), ``b`` (U).  Unit i's pre-activation is
    ``b[i] + W_in[i] * x``, then ``+ W_rec[j, i] * s_j`` for j = 0..H; ``s_j``
    is the previous step's activation, except that with ``order="layered"``
    the output unit uses this step's hidden activations (and its own previous
    one).  A1 with H = 1 is Bengio et al.'s (1994) parity net.

    Weight variants: ``no_output_bias`` zeroes ``b[H]``, ``no_output_self``
    ``W_rec[H, H]``, ``no_hidden_self`` ``W_rec[j, j]`` for j < H,
    ``no_self_loops`` the whole diagonal of ``W_rec``, ``input_hidden_only``
    ``W_in[H]``, ``no_output_feedback`` ``W_rec[H, j]`` for j < H;
    ``bias_range_1`` sets ``b = b / r``.
    """

    name = "A1"

    def n_weights(self, hidden: int) -> int:
        u = hidden + 1
        return u + u * u + u

    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        u = hidden + 1
        w_in, w_rec, b = np.split(draws, [u, u + u * u], axis=1)
        return {"W_in": w_in, "W_rec": w_rec.reshape(draws.shape[0], u, u), "b": b}

    def _prepare(self, params: Params) -> dict:
        w_rec = params["W_rec"]
        return {
            "W_in": columns(params["W_in"], 0.5),
            "W_rec": [columns(w_rec[:, j, :], 0.25) for j in range(w_rec.shape[1])],
            "b": columns(params["b"], 0.5),
        }

    def _vary(self, params: Params, variant: str, weight_scale: float) -> None:
        out = params["b"].shape[1] - 1
        w_rec = params["W_rec"]
        diagonal = np.arange(out + 1)
        if variant == "no_output_bias":
            params["b"][:, out] = 0.0
        elif variant == "no_output_self":
            w_rec[:, out, out] = 0.0
        elif variant == "no_hidden_self":
            w_rec[:, diagonal[:out], diagonal[:out]] = 0.0
        elif variant == "no_self_loops":
            w_rec[:, diagonal, diagonal] = 0.0
        elif variant == "input_hidden_only":
            params["W_in"][:, out] = 0.0
        elif variant == "no_output_feedback":
            w_rec[:, out, :out] = 0.0
        elif variant == "bias_range_1":
            params["b"] /= weight_scale

    def _zeros(self, params: Params, count: int) -> State:
        trials, units = params["b"].shape
        return tuple(np.zeros((trials, count)) for _ in range(units))

    def _step(self, net: dict, old: State, new: State, xt: np.ndarray, layered: bool) -> None:
        w_in, w_rec, b = net["W_in"], net["W_rec"], net["b"]
        units = len(old)
        tmp = net["work"][0]
        for i in range(units):
            source = new[: units - 1] + old[units - 1 :] if layered and i == units - 1 else old
            a = new[i]
            np.multiply(xt, w_in[i], out=a)
            a += b[i]
            for j in range(units):
                np.multiply(source[j], w_rec[j][i], out=tmp)
                a += tmp
            _halfv_(a)

    def _units(self, state: State) -> np.ndarray:
        return 0.5 * np.stack([s[0] for s in state], axis=-1)


@register
class A2(PaperNet):
    """A2: each hidden unit sees the input, the output unit and itself; the output
    unit sees the input and every hidden unit (not itself); all units biased.

    Draw order per trial (5H + 2 uniform draws): ``W_xh`` (H, input -> hidden i),
    ``w_self`` (H, hidden i -> itself), ``W_oh`` (H, output -> hidden i), ``b_h``
    (H), ``W_xo`` (1, input -> output), ``W_ho`` (H, hidden j -> output), ``b_o``
    (1).  Pre-activations: hidden i ``b_h[i] + W_xh[i] * x + w_self[i] * h_i +
    W_oh[i] * o`` (previous step's h_i and o); output ``b_o + W_xo * x`` then
    ``+ W_ho[j] * h_j`` for j = 0..H-1, with the previous step's h_j
    (``order="sync"``) or this step's (``order="layered"``).  The paper uses
    H = 10.  The hidden units are updated together as (H, T, c) arrays: every
    operation on them is elementwise.

    Weight variants: ``no_output_bias`` zeroes ``b_o``, ``no_hidden_self``
    ``w_self`` (the result equals A2noself's nets, named differently),
    ``input_hidden_only`` ``W_xo``, ``no_output_feedback`` ``W_oh``;
    ``bias_range_1`` sets ``b_h = b_h / r`` and ``b_o = b_o / r``.  The output
    unit has no self-connection, so ``no_output_self`` is refused, and
    ``no_self_loops`` is ``no_hidden_self``.
    """

    name = "A2"
    self_loops = True
    refused = {
        "no_output_self": "its output unit has no self-connection",
        "no_self_loops": "its output unit has no self-connection (use 'no_hidden_self')",
    }

    def n_weights(self, hidden: int) -> int:
        return 5 * hidden + 2

    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        h = hidden
        parts = np.split(draws, np.cumsum([h, h, h, h, 1, h]), axis=1)
        names = ("W_xh", "w_self", "W_oh", "b_h", "W_xo", "W_ho", "b_o")
        return dict(zip(names, parts, strict=True))

    def _width(self, params: Params) -> int:
        return params["b_h"].shape[1]

    def _prepare(self, params: Params) -> dict:
        return {
            "W_xh": _stacked(params["W_xh"], 0.5),
            "w_self": _stacked(params["w_self"], 0.25),
            "W_oh": _stacked(params["W_oh"], 0.25),
            "b_h": _stacked(params["b_h"], 0.5),
            "W_xo": np.ascontiguousarray(params["W_xo"]) * 0.5,
            "W_ho": columns(params["W_ho"], 0.25),
            "b_o": np.ascontiguousarray(params["b_o"]) * 0.5,
        }

    def _vary(self, params: Params, variant: str, weight_scale: float) -> None:
        zeroed = {
            "no_output_bias": "b_o",
            "no_hidden_self": "w_self",
            "input_hidden_only": "W_xo",
            "no_output_feedback": "W_oh",
        }
        if variant in zeroed:
            params[zeroed[variant]][...] = 0.0
        elif variant == "bias_range_1":
            params["b_h"] /= weight_scale
            params["b_o"] /= weight_scale

    def _zeros(self, params: Params, count: int) -> State:
        trials, hidden = params["b_h"].shape
        return np.zeros((hidden, trials, count)), np.zeros((trials, count))

    def _step(self, net: dict, old: State, new: State, xt: np.ndarray, layered: bool) -> None:
        h, o = old
        a, z = new
        tmp_h, tmp = net["work"]
        np.multiply(xt, net["W_xh"], out=a)
        a += net["b_h"]
        if self.self_loops:
            np.multiply(h, net["w_self"], out=tmp_h)
            a += tmp_h
        np.multiply(o, net["W_oh"], out=tmp_h)
        a += tmp_h
        _halfv_(a)
        source = a if layered else h
        np.multiply(xt, net["W_xo"], out=z)
        z += net["b_o"]
        for j, w in enumerate(net["W_ho"]):
            np.multiply(source[j], w, out=tmp)
            z += tmp
        _halfv_(z)

    def _units(self, state: State) -> np.ndarray:
        h, o = state
        return 0.5 * np.concatenate([h[:, 0, :].T, o[0][:, None]], axis=1)

    def _unpack(self, state: State) -> list[np.ndarray]:
        h, o = state
        return [*h, o]

    def _pack(self, units: list[np.ndarray]) -> State:
        return np.stack(units[:-1]), units[-1]


@register
class A2noself(A2):
    """A2 without the hidden units' self-connections.

    Drawn exactly like A2 (same 5H + 2 draws per trial, so the random stream
    stays aligned with A2's), then ``w_self`` is set to 0; the forward pass
    skips the zero term, which cannot change any result.
    """

    name = "A2noself"
    self_loops = False
    refused = {
        "no_output_self": "its output unit has no self-connection",
        "no_hidden_self": "its hidden units have no self-connections",
        "no_self_loops": "none of its units has a self-connection",
    }

    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        params = super().unpack(draws, hidden)
        params["w_self"] = np.zeros_like(params["w_self"])
        return params
