"""The nets' forward passes in JAX (one restart; ``jax.vmap`` adds the restart axis).

Parameters are dicts named like the search engine's ``Architecture.unpack`` for
one trial (no trial axis), so a trained net can be handed to the engine
(:func:`to_search_params`) and a searched one to JAX (:func:`from_search_params`):

* ``full``: ``W_xh (H,)``, ``W_hh (H, H)`` (``W_hh[j, i]``: unit j -> unit i),
  ``b_h (H,)``, ``W_hy (H,)``, ``b_y (1,)``;
* ``A1``: ``W_in (U,)``, ``W_rec (U, U)``, ``b (U,)``, U = H + 1, output unit last;
* ``A2``: ``W_xh, w_self, W_oh, b_h (H,)``, ``W_xo (1,)``, ``W_ho (H,)``, ``b_o (1,)``;
* ``lstm`` (no search twin): ``W_x (4, H)``, ``W_h (4, H, H)`` (``W_h[k, j, i]``:
  h_j -> gate k of cell i), ``b (4, H)``, gates in the order input, forget,
  candidate (tanh), output; ``W_hy (H,)``, ``b_y (1,)`` read h linearly.

Every pre-activation is an elementwise left fold in the engine's order (no
matmul, no reduction over units), so a restart's values do not depend on how
many restarts share the arrays.  Sequences of a batch are run to the padded
length and each one's state is frozen after its own last input (as
:mod:`rsparity.nets.base` does); the output is read right after the last input
(the paper nets: ``order="layered"``, ``readout="last"`` only).

Criteria and losses: reference protocol (``full``, ``lstm``) - correct iff
``sign(z) == target`` (+-1), loss ``softplus(-target * z)``; paper protocol
(``A1``, ``A2``) - logistic units ``0.5 * (1 + tanh(0.5 * a))``, correct iff
``|o - target| < 0.1`` (target 1 odd, 0 even), loss ``(o - target) ** 2``.
Losses are (weighted) means over the batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..nets import Params
from ..nets.paper import TOLERANCE

jax.config.update("jax_enable_x64", True)

Tree = dict[str, jax.Array]
State = tuple[jax.Array, ...]
INIT_SEED_OFFSET = 50_000
"""Initial weights of restart ``seed`` come from ``np.random.default_rng([seed, 50000])``."""
SMALL_SCALE = 0.1
SEARCH_SCALE = {"reference": 30.0, "paper": 100.0}
"""The random search's weight ranges U[-r, r] (init ``"search"``)."""
PROTOCOL = {"full": "reference", "lstm": "reference", "A1": "paper", "A2": "paper"}


def _sigmoid(a: jax.Array) -> jax.Array:
    return 0.5 * (1.0 + jnp.tanh(0.5 * a))


def shapes(net: str, hidden: int) -> dict[str, tuple[int, ...]]:
    """Parameter names and shapes, in the order the initial weights are drawn."""
    h, u = hidden, hidden + 1
    if net == "full":
        return {"W_xh": (h,), "W_hh": (h, h), "b_h": (h,), "W_hy": (h,), "b_y": (1,)}
    if net == "A1":
        return {"W_in": (u,), "W_rec": (u, u), "b": (u,)}
    if net == "A2":
        return {
            "W_xh": (h,),
            "w_self": (h,),
            "W_oh": (h,),
            "b_h": (h,),
            "W_xo": (1,),
            "W_ho": (h,),
            "b_o": (1,),
        }
    if net == "lstm":
        return {"W_x": (4, h), "W_h": (4, h, h), "b": (4, h), "W_hy": (h,), "b_y": (1,)}
    raise ValueError(f"unknown net {net!r}")


def _glorot_fans(net: str, hidden: int) -> dict[str, tuple[int, int] | None]:
    """(fan_in, fan_out) of the weight matrix each array belongs to; None for biases."""
    h, u = hidden, hidden + 1
    if net == "full":
        return {"W_xh": (1, h), "W_hh": (h, h), "b_h": None, "W_hy": (h, 1), "b_y": None}
    if net == "A1":
        return {"W_in": (1, u), "W_rec": (u, u), "b": None}
    if net == "A2":
        return {
            "W_xh": (1, h),
            "w_self": (1, 1),
            "W_oh": (1, h),
            "b_h": None,
            "W_xo": (1, 1),
            "W_ho": (h, 1),
            "b_o": None,
        }
    return {"W_x": (1, h), "W_h": (h, h), "b": None, "W_hy": (h, 1), "b_y": None}


def init(net: str, hidden: int, init_name: str, seed: int) -> Tree:
    """Initial weights of restart ``seed``, from ``np.random.default_rng([seed, 50000])``.

    ``"small"``: every array U[-0.1, 0.1]; ``"glorot"``: weights
    U[-sqrt(6 / (fan_in + fan_out)), +] per weight matrix, biases 0;
    ``"search"``: the random search's range U[-r, r] (r = 30 reference, 100 paper).
    Every array is drawn (in :func:`shapes` order) whatever the init, so the
    stream stays aligned; with ``"small"`` and ``"glorot"`` the LSTM's forget
    gate bias is then set to +1.
    """
    rng = np.random.default_rng([seed, INIT_SEED_OFFSET])
    fans = _glorot_fans(net, hidden)
    out = {}
    for name, shape in shapes(net, hidden).items():
        if init_name == "small":
            value = rng.uniform(-SMALL_SCALE, SMALL_SCALE, size=shape)
        elif init_name == "glorot":
            fan = fans[name]
            limit = 0.0 if fan is None else math.sqrt(6.0 / (fan[0] + fan[1]))
            value = rng.uniform(-1.0, 1.0, size=shape) * limit
        elif init_name == "search":
            r = SEARCH_SCALE[PROTOCOL[net]]
            value = rng.uniform(-r, r, size=shape)
        else:
            raise ValueError(f"unknown init {init_name!r}")
        out[name] = value
    if net == "lstm" and init_name in ("small", "glorot"):
        out["b"][1] = 1.0
    return {k: jnp.asarray(v, dtype=jnp.float64) for k, v in out.items()}


# ---------------------------------------------------------------- one time step per net


def _full_step(p: Tree, state: State, xt: jax.Array) -> State:
    (h,) = state
    a = h[:, 0:1] * p["W_hh"][0]
    for j in range(1, h.shape[1]):
        a = a + h[:, j : j + 1] * p["W_hh"][j]
    a = a + xt * p["W_xh"]
    a = a + p["b_h"]
    return (jnp.tanh(a),)


def _a1_step(p: Tree, state: State, xt: jax.Array) -> State:
    (s,) = state
    units = s.shape[1]
    hid = units - 1
    w_in, w_rec, b = p["W_in"], p["W_rec"], p["b"]
    a = xt * w_in[:hid] + b[:hid]
    for j in range(units):
        a = a + s[:, j : j + 1] * w_rec[j, :hid]
    h = _sigmoid(a)
    z = xt[:, 0] * w_in[hid] + b[hid]
    for j in range(hid):
        z = z + h[:, j] * w_rec[j, hid]
    z = z + s[:, hid] * w_rec[hid, hid]
    return (jnp.concatenate([h, _sigmoid(z)[:, None]], axis=1),)


def _a2_step(p: Tree, state: State, xt: jax.Array) -> State:
    h, o = state
    a = xt * p["W_xh"] + p["b_h"]
    a = a + h * p["w_self"]
    a = a + o * p["W_oh"]
    h = _sigmoid(a)
    z = xt[:, 0] * p["W_xo"][0] + p["b_o"][0]
    for j in range(h.shape[1]):
        z = z + h[:, j] * p["W_ho"][j]
    return h, _sigmoid(z)[:, None]


def _lstm_step(p: Tree, state: State, xt: jax.Array) -> State:
    h, c = state
    a = xt[:, :, None] * p["W_x"] + p["b"]  # (B, 4, H)
    for j in range(h.shape[1]):
        a = a + h[:, j, None, None] * p["W_h"][:, j, :]
    i, f, g, o = _sigmoid(a[:, 0]), _sigmoid(a[:, 1]), jnp.tanh(a[:, 2]), _sigmoid(a[:, 3])
    c = f * c + i * g
    return o * jnp.tanh(c), c


def _linear_readout(p: Tree, h: jax.Array) -> jax.Array:
    z = h[:, 0] * p["W_hy"][0]
    for j in range(1, h.shape[1]):
        z = z + h[:, j] * p["W_hy"][j]
    return z + p["b_y"][0]


STEPS: dict[str, Callable[[Tree, State, jax.Array], State]] = {
    "full": _full_step,
    "A1": _a1_step,
    "A2": _a2_step,
    "lstm": _lstm_step,
}


def initial_state(net: str, p: Tree, batch: int) -> State:
    """The all-zero state of ``batch`` sequences (every unit starts at 0)."""
    if net == "full":
        return (jnp.zeros((batch, p["b_h"].shape[0])),)
    if net == "A1":
        return (jnp.zeros((batch, p["b"].shape[0])),)
    if net == "A2":
        return jnp.zeros((batch, p["b_h"].shape[0])), jnp.zeros((batch, 1))
    hidden = p["W_hy"].shape[0]
    return jnp.zeros((batch, hidden)), jnp.zeros((batch, hidden))


def readout(net: str, p: Tree, state: State) -> jax.Array:
    """The judged quantity (B,): the linear read-out z, or the paper nets' output unit."""
    if net in ("full", "lstm"):
        return _linear_readout(p, state[0])
    if net == "A1":
        return state[0][:, -1]
    return state[1][:, 0]


def final_state(
    net: str, p: Tree, x: jax.Array, lengths: jax.Array, state0: State | None = None
) -> State:
    """The state right after each sequence's last input; ``x`` (B, L), ``lengths`` (B,).

    ``state0`` (default all zeros) is the state the first step reads: an explicit
    input so gradients with respect to it can be taken (:mod:`.vanishing`).
    """
    step = STEPS[net]
    if state0 is None:
        state0 = initial_state(net, p, x.shape[0])
    xs = jnp.swapaxes(x, 0, 1)[:, :, None]  # (L, B, 1)

    def body(state: State, inp: tuple[jax.Array, jax.Array]) -> tuple[State, None]:
        xt, t = inp
        new = step(p, state, xt)
        live = (t < lengths)[:, None]
        return tuple(jnp.where(live, a, b) for a, b in zip(new, state, strict=True)), None

    state, _ = jax.lax.scan(body, state0, (xs, jnp.arange(x.shape[1])))
    return state


def outputs(net: str, p: Tree, x: jax.Array, lengths: jax.Array) -> jax.Array:
    """The judged output (B,) of every sequence of a batch."""
    return readout(net, p, final_state(net, p, x, lengths))


def verdicts(net: str, out: jax.Array, target: jax.Array) -> jax.Array:
    """Bool (B,): the protocol's success test of each output."""
    if PROTOCOL[net] == "reference":
        return jnp.sign(out) == target
    return jnp.abs(out - target) < TOLERANCE


def losses(net: str, out: jax.Array, target: jax.Array) -> jax.Array:
    """Per-sequence loss (B,): cross-entropy (reference) or squared error (paper)."""
    if PROTOCOL[net] == "reference":
        return jax.nn.softplus(-target * out)
    return (out - target) ** 2


def loss(
    net: str,
    p: Tree,
    x: jax.Array,
    lengths: jax.Array,
    target: jax.Array,
    weight: jax.Array | None = None,
) -> jax.Array:
    """Mean per-sequence loss (weighted mean if ``weight`` is given)."""
    per = losses(net, outputs(net, p, x, lengths), target)
    if weight is None:
        return jnp.mean(per)
    return jnp.sum(per * weight) / jnp.sum(weight)


def correct(net: str, p: Tree, x: jax.Array, lengths: jax.Array, target: jax.Array) -> jax.Array:
    """Bool (B,): which sequences the net gets right."""
    return verdicts(net, outputs(net, p, x, lengths), target)


# ---------------------------------------------------------------- to and from the engine


def from_search_params(net: str, params: Params) -> Tree:
    """The engine's parameters of one trial (with or without the trial axis of 1) -> pytree."""
    out = {}
    for name, shape in shapes(net, _hidden_of(net, params)).items():
        a = np.asarray(params[name], dtype=np.float64)
        if a.shape == (1, *shape):
            a = a[0]
        elif a.shape != shape:
            raise ValueError(f"{net} {name}: shape {a.shape}, expected {shape} or (1, *{shape})")
        out[name] = jnp.asarray(a)
    return out


def _hidden_of(net: str, params: Params) -> int:
    if net == "A1":
        return int(np.shape(params["W_rec"])[-1]) - 1
    if net == "lstm":
        return int(np.shape(params["W_hy"])[-1])
    return int(np.shape(params["b_h"])[-1])


def to_search_params(net: str, tree: Tree) -> Params:
    """A pytree -> the engine's ``Params`` of one trial (leading trial axis of 1)."""
    if net == "lstm":
        raise ValueError("the lstm has no search-engine twin")
    return {k: np.asarray(v, dtype=np.float64)[None] for k, v in tree.items()}
