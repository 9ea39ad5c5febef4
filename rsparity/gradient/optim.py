"""The two optimisers, a few lines of JAX each (no optax): heavy-ball momentum and Adam.

State is ``(m, v, t)`` for both (momentum leaves ``v`` and ``t`` untouched), so
the training loop carries one pytree shape whatever the method.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

MOMENTUM = 0.9
ADAM_B1, ADAM_B2, ADAM_EPS = 0.9, 0.999, 1e-8

OptState = tuple[dict, dict, jax.Array]


def init_state(params: dict) -> OptState:
    """Zero moments and step count 0."""
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return zeros, zeros, jnp.zeros((), dtype=jnp.int64)


def update(
    method: str, params: dict, grads: dict, state: OptState, lr: jax.Array
) -> tuple[dict, OptState]:
    """One step: ``"momentum"`` (m = 0.9 m + g; p -= lr m) or ``"adam"`` (b1 0.9, b2 0.999,
    eps 1e-8, bias-corrected)."""
    m, v, t = state
    tm = jax.tree_util.tree_map
    if method == "momentum":
        m = tm(lambda a, g: MOMENTUM * a + g, m, grads)
        return tm(lambda p, a: p - lr * a, params, m), (m, v, t)
    t = t + 1
    m = tm(lambda a, g: ADAM_B1 * a + (1.0 - ADAM_B1) * g, m, grads)
    v = tm(lambda a, g: ADAM_B2 * a + (1.0 - ADAM_B2) * g * g, v, grads)
    c1 = 1.0 - ADAM_B1**t
    c2 = 1.0 - ADAM_B2**t
    new = tm(lambda p, a, b: p - lr * (a / c1) / (jnp.sqrt(b / c2) + ADAM_EPS), params, m, v)
    return new, (m, v, t)
