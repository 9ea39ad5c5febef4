"""Train every restart of one cell at once and record who solved, when, and how well.

All restarts run in one compiled program: ``jax.lax.map`` over restarts inside
``jax.jit``, epochs in ``lax.scan`` chunks of fixed length (one compile per
net, shapes, method, batch size and chunk length; the learning rate is traced).
``lax.map`` rather than ``jax.vmap``: under vmap XLA sums the gradient over the
batch in a way that depends on the number of restarts (last-bit differences,
which then grow), while ``lax.map`` runs one compiled body per restart, so a
restart's bits are the same whichever restarts share the call (measured here it
is also faster: one restart's arrays stay in cache).

Each restart has its own training set (its seed's), initial weights
(:func:`.nets.init`), mini-batch shuffles (``SHUFFLE``) and epoch budget; a
restart that has solved, or used its budget, is frozen (its weights and
optimiser state no longer change), so its result does not depend on which
restarts share the call or on the chunk length; its further epochs are skipped
(``lax.cond``), so a chunk running past the budget costs nothing.  After every
epoch the current weights are judged on the fixed (search's) training set; in
the full-batch fixed regime that check is the forward pass of the next gradient
step, otherwise a separate forward pass, first over ``CHECK_HEAD`` sequences
(neither is counted in the cost, see :mod:`.data`).  No module state besides
JAX's jit caches: safe to call from several threads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import jaxlib
import numpy as np

from ..engine import accuracy
from ..nets import get_architecture
from ..protocols import evaluation_sets
from . import nets, optim
from .data import Arrays, arrays, epoch_cost, fixed_set, max_length, training_data
from .spec import GradientSpec

CHUNK_SEQUENCE_STEPS = 2e8
"""Epochs per compiled chunk: about this many sequence-steps over all restarts (a power of 2)."""
MAX_CHUNK = 256
CHECK_HEAD = 32
"""The epoch's success check scores this many sequences of the fixed set first and the
rest only if all of them are right (an untrained net fails within the first few)."""
SHUFFLE = "jax.random.permutation(jax.random.fold_in(jax.random.key(seed), epoch), B)"
"""The mini-batch order of restart ``seed`` in epoch ``epoch`` (0-based)."""


def _where(flag: jax.Array, new: Any, old: Any) -> Any:
    return jax.tree_util.tree_map(lambda a, b: jnp.where(flag, a, b), new, old)


def _loss_ok(net: str, p: dict, x, lengths, target, weight=None):
    out = nets.outputs(net, p, x, lengths)
    per = nets.losses(net, out, target)
    value = jnp.mean(per) if weight is None else jnp.sum(per * weight) / jnp.sum(weight)
    return value, nets.verdicts(net, out, target)


def _all_correct(net: str, params: dict, x, lengths, target) -> jax.Array:
    """Whether the net gets every sequence right: the first ``CHECK_HEAD``, then (only if
    those are) the rest.  Each sequence's verdict is computed on its own row, so this is
    exactly ``all(correct(...))``, at the cost of ``CHECK_HEAD`` sequences in most epochs."""
    head = min(CHECK_HEAD, x.shape[0])
    first = jnp.all(nets.correct(net, params, x[:head], lengths[:head], target[:head]))
    if head == x.shape[0]:
        return first
    rest = (x[head:], lengths[head:], target[head:])
    return jax.lax.cond(first, lambda: jnp.all(nets.correct(net, params, *rest)), lambda: first)


def _restart_chunk(carry, train, check, seed, budget, lr, *, net, method, batch, chunk, shared):
    """``chunk`` epochs of one restart (mapped over restarts by :func:`_chunk`)."""
    x, lengths, target = train
    size = x.shape[0]
    grad = jax.value_and_grad(partial(_loss_ok, net), has_aux=True)
    key = jax.random.key(seed)
    n_batches = -(-size // batch)
    pad = n_batches * batch - size

    def minibatches(params, opt, epoch):
        order = jax.random.permutation(jax.random.fold_in(key, epoch), size)
        idx = jnp.concatenate([order, jnp.zeros(pad, dtype=order.dtype)]).reshape(-1, batch)
        w = jnp.concatenate([jnp.ones(size), jnp.zeros(pad)]).reshape(-1, batch)

        def one(c, b):
            p, o = c
            i, wb = b
            (_, _), g = grad(p, x[i], lengths[i], target[i], wb)
            return optim.update(method, p, g, o, lr), None

        return jax.lax.scan(one, (params, opt), (idx, w))[0]

    def epoch(c):
        params, opt, _, solved_at, done, _ = c
        if shared:
            (_, ok), g = grad(params, x, lengths, target)
            ok = jnp.all(ok)
        else:
            ok = _all_correct(net, params, *check)
        # only live restarts get here (live_epoch): not solved, not finished
        solved_at = jnp.where(ok, done, solved_at)
        finished = ~ok & (done >= budget)
        active = ~ok & (done < budget)
        if shared:
            new = optim.update(method, params, g, opt, lr)
        elif n_batches == 1:
            (_, _), g = grad(params, x, lengths, target)
            new = optim.update(method, params, g, opt, lr)
        else:
            new = minibatches(params, opt, done)
        params, opt = _where(active, new, (params, opt))
        return params, opt, ok, solved_at, done + active, finished

    def live_epoch(c, _):
        # a restart that has solved or used its budget would only recompute what it has
        return jax.lax.cond(c[2] | c[5], lambda c: c, epoch, c), None

    return jax.lax.scan(live_epoch, carry, None, length=chunk)[0]


@partial(jax.jit, static_argnames=("net", "method", "batch", "chunk", "shared"))
def _chunk(carry, train, check, seeds, budgets, lr, *, net, method, batch, chunk, shared):
    body = partial(_restart_chunk, net=net, method=method, batch=batch, chunk=chunk, shared=shared)
    return jax.lax.map(lambda a: body(*a, lr), (carry, train, check, seeds, budgets))


@partial(jax.jit, static_argnames=("net",))
def _evaluate(params, data, *, net):
    """Per restart and sequence: (loss, correct) on its data (averaged in numpy, one row at
    a time, so the mean does not depend on how many restarts share the call)."""

    def one(p, x, lengths, target):
        out = nets.outputs(net, p, x, lengths)
        return nets.losses(net, out, target), nets.verdicts(net, out, target)

    return jax.lax.map(lambda a: one(*a), (params, *data))


@partial(jax.jit, static_argnames=("net",))
def _jax_accuracy(params, x, lengths, target, *, net):
    return jnp.mean(nets.correct(net, params, x, lengths, target))


def _stack(items: list[Arrays]) -> tuple[jax.Array, jax.Array, jax.Array]:
    return tuple(
        jnp.asarray(np.stack([getattr(a, k) for a in items])) for k in ("x", "lengths", "target")
    )


def _chunk_length(restarts: int, cost: int, epochs: int) -> int:
    fit = max(1, int(CHUNK_SEQUENCE_STEPS // max(1, restarts * cost)))
    want = min(fit, epochs + 1, MAX_CHUNK)
    return 1 << (want.bit_length() - 1)


def _heldout(spec: GradientSpec, seed: int, params: dict) -> dict[str, float]:
    """Accuracies on the search's evaluation sets: the engine's, or JAX's for the LSTM."""
    out = {}
    for key, (data, _) in evaluation_sets(spec.search_spec(seed)).items():
        if spec.net == "lstm":
            a = arrays(data, data.max_length)
            out[key] = float(_jax_accuracy(params, a.x, a.lengths, a.target, net=spec.net))
        else:
            arch = get_architecture(spec.net)
            out[key] = accuracy(arch, nets.to_search_params(spec.net, params), data)
    return out


def versions() -> dict[str, str]:
    """Library versions that can change float results."""
    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "numpy": np.__version__}


def train_cell(
    spec: GradientSpec, sequence_steps_budget: int, seeds: Sequence[int] | None = None
) -> dict[str, Any]:
    """The record of :func:`train_restarts` (without the weights)."""
    return train_restarts(spec, sequence_steps_budget, seeds)[0]


def train_restarts(
    spec: GradientSpec, sequence_steps_budget: int, seeds: Sequence[int] | None = None
) -> tuple[dict[str, Any], list[dict[str, np.ndarray]]]:
    """Train restarts ``seeds`` (default ``range(spec.restarts)``) of ``spec``; a JSON-able record.

    Restart r's epoch budget is ``ceil(sequence_steps_budget / (3 * sum of its training
    lengths))``, at least 1; training stops early once every restart has solved.  Record:
    ``params``, ``sequence_steps_budget``, ``epochs_budget`` and
    ``sequence_steps_per_epoch`` (the largest over restarts; they differ only where
    lengths are random), ``restarts`` (one dict per seed: ``seed``, ``solved``,
    ``epochs`` and ``sequence_steps`` when first judged solved - 0 if the initial
    weights solve - or None, ``epochs_budget``, ``sequence_steps_per_epoch``,
    ``train_accuracy`` and ``final_loss`` on the fixed set (None if not finite),
    ``heldout_accuracy`` and ``heldout_long_accuracy`` for solvers only, else None),
    and ``versions``; and each restart's final weights (a solver's: its solving ones) as
    numpy arrays named as in :mod:`.nets`.
    """
    budget = int(sequence_steps_budget)
    if isinstance(sequence_steps_budget, bool) or budget < 1:
        raise ValueError("sequence_steps_budget must be an integer >= 1")
    seeds = list(range(spec.restarts)) if seeds is None else [int(s) for s in seeds]
    length = max_length(spec)
    fixed = [fixed_set(spec, s) for s in seeds]
    train = [training_data(spec, s) for s in seeds] if spec.regime == "variable" else fixed
    costs = [epoch_cost(d) for d in train]
    epochs_budget = [max(1, math.ceil(budget / c)) for c in costs]
    size = train[0].size
    batch = size if spec.batch == "full" else min(int(spec.batch), size)
    shared = spec.regime == "fixed" and batch == size
    train_arrays = _stack([arrays(d, length) for d in train])
    check_arrays = (
        train_arrays if spec.regime == "fixed" else _stack([arrays(d, length) for d in fixed])
    )
    params = [nets.init(spec.net, spec.hidden, spec.init, s) for s in seeds]
    params = jax.tree_util.tree_map(lambda *a: jnp.stack(a), *params)
    r = len(seeds)
    carry = (
        params,
        jax.vmap(optim.init_state)(params),
        jnp.zeros(r, dtype=bool),
        jnp.full(r, -1, dtype=jnp.int64),
        jnp.zeros(r, dtype=jnp.int64),
        jnp.zeros(r, dtype=bool),
    )
    chunk = _chunk_length(r, max(costs), max(epochs_budget))
    args = (jnp.asarray(seeds), jnp.asarray(epochs_budget), jnp.float64(spec.lr))
    while True:
        carry = _chunk(
            carry, train_arrays, check_arrays, *args,
            net=spec.net, method=spec.method, batch=batch, chunk=chunk, shared=shared,
        )  # fmt: skip
        if bool(jnp.all(carry[2] | carry[5])):
            break
    params, solved, solved_at = carry[0], np.asarray(carry[2]), np.asarray(carry[3])
    per_loss, per_ok = (np.asarray(a) for a in _evaluate(params, check_arrays, net=spec.net))
    loss = [float(np.mean(row)) for row in per_loss]
    acc = [float(np.mean(row)) for row in per_ok]
    rows, weights = [], []
    for i, seed in enumerate(seeds):
        one = {k: np.asarray(v[i]) for k, v in params.items()}
        weights.append(one)
        held = _heldout(spec, seed, one) if solved[i] else {}
        epochs = int(solved_at[i]) if solved[i] else None
        rows.append(
            {
                "seed": seed,
                "solved": bool(solved[i]),
                "epochs": epochs,
                "sequence_steps": None if epochs is None else epochs * costs[i],
                "epochs_budget": epochs_budget[i],
                "sequence_steps_per_epoch": costs[i],
                "train_accuracy": float(acc[i]),
                "heldout_accuracy": held.get("heldout_accuracy"),
                "heldout_long_accuracy": held.get("heldout_long_accuracy"),
                "final_loss": loss[i] if math.isfinite(loss[i]) else None,
            }
        )
    record = {
        "params": spec.as_params(),
        "sequence_steps_budget": budget,
        "epochs_budget": max(epochs_budget),
        "sequence_steps_per_epoch": max(costs),
        "restarts": rows,
        "versions": versions(),
    }
    return record, weights
