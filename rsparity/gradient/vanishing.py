"""How much the training loss still feels the first time step: the vanishing gradient.

For each seed: the norm of the gradient of the mean training loss with respect
to the initial state h_0 (all units, LSTM: h_0 and c_0; the state the first
step reads, made an explicit input of :func:`.nets.final_state`), on the first
``subset`` sequences of that seed's fixed-regime training set (the search's;
the paper nets have 100).  At initialisation and, if ``epochs > 0``, after
that many full-batch Adam epochs on the same subset.  With saturating weights
the norm decays exponentially in n and may underflow to exactly 0.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from . import nets, optim
from .data import arrays, fixed_set, max_length
from .spec import GradientSpec

SUBSET = 256


@partial(jax.jit, static_argnames=("net", "steps"))
def _adam(p, x, lengths, target, lr, *, net, steps):
    grad = jax.grad(lambda q: nets.loss(net, q, x, lengths, target))

    def body(c, _):
        q, o = c
        return optim.update("adam", q, grad(q), o, lr), None

    return jax.lax.scan(body, (p, optim.init_state(p)), None, length=steps)[0][0]


@partial(jax.jit, static_argnames=("net",))
def _state_grad(p, x, lengths, target, *, net):
    def f(state0):
        state = nets.final_state(net, p, x, lengths, state0)
        return jnp.mean(nets.losses(net, nets.readout(net, p, state), target))

    return jax.grad(f)(nets.initial_state(net, p, x.shape[0]))


def _norm(arrays_: Sequence[jax.Array]) -> float:
    """Euclidean norm of all entries, scaled first so that tiny values do not underflow."""
    flat = np.concatenate([np.ravel(np.asarray(a)) for a in arrays_])
    top = float(np.abs(flat).max(initial=0.0))
    return 0.0 if top == 0.0 else top * float(np.sqrt(np.sum((flat / top) ** 2)))


def gradient_norms(
    net: str,
    hidden: int,
    n: int,
    init: str,
    seeds: Sequence[int],
    epochs: int = 0,
    lr: float = 0.01,
    subset: int = SUBSET,
    sample_size: int = 1024,
) -> list[dict]:
    """Rows ``{"net", "hidden", "n", "init", "seed", "epochs", "grad_norm"}``: one per seed
    at ``epochs = 0`` and, if ``epochs > 0``, one more per seed after that many epochs."""
    spec = GradientSpec(net=net, hidden=hidden, n=n, init=init, lr=lr, sample_size=sample_size)
    rows = []
    for seed in seeds:
        data = fixed_set(spec, seed).head(subset)
        a = arrays(data, max_length(spec))
        x, lengths, target = jnp.asarray(a.x), jnp.asarray(a.lengths), jnp.asarray(a.target)
        p = nets.init(net, hidden, init, seed)
        for done in [0, epochs] if epochs > 0 else [0]:
            if done:
                p = _adam(p, x, lengths, target, jnp.float64(lr), net=net, steps=done)
            norm = _norm(_state_grad(p, x, lengths, target, net=net))
            row = {"net": net, "hidden": hidden, "n": n, "init": init, "seed": int(seed)}
            rows.append({**row, "epochs": done, "grad_norm": norm})
    return rows
