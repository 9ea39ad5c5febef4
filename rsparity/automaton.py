"""Exact finite-automaton evaluation of saturating recurrent nets on +-1 inputs.

With large weights most units saturate, so the states one trial can reach from
its start state form a small set (often under ten).  :func:`reachable`
enumerates that set breadth-first with the net's own step function (so every
value is bit-identical to what the plain forward pass computes), merges states
whose unit values have identical bits, and records the transition table.
:func:`final_states` then runs whole sequences through the table,
``code_bits`` inputs per lookup.  This equals the plain forward pass exactly
for every trial whose reachable set fits in ``cap`` states (callers fall back
to the plain pass for the others), and pays off when each trial sees many or
long sequences: scoring a solver, tracing every trial, held-out accuracy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Transition = Callable[[np.ndarray, list[np.ndarray], np.ndarray], list[np.ndarray]]
"""``(trials, units, xs) -> next units``: for the trials with indices ``trials``
(T,), per-unit values (T, S) and inputs ``xs`` (K,), the next per-unit values
(T, S, K)."""

CODE_BITS = 5
"""Inputs consumed per table lookup in :func:`final_states` (a 2^5-entry row per state)."""
INPUTS = np.array([-1.0, 1.0])
"""Symbol 0 is input -1, symbol 1 is input +1."""

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _key(bits: np.ndarray) -> np.ndarray:
    """One uint64 per state from the bits of all its units (axis 0), for sorting.

    Equal states get equal keys; a collision of unequal states only leaves a
    duplicate state (runs are split by the full bits), never a wrong merge.
    """
    key = bits[0].copy()
    for b in bits[1:]:
        key *= _MIX
        key ^= b
    return key


def reachable(
    transition: Transition,
    start: list[np.ndarray],
    steps: int,
    cap: int,
    rounds: int | None = None,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """States reachable from ``start`` within ``steps`` inputs of -1 / +1, per trial.

    ``start``: per unit, the (T,) start values.  Returns (values, delta, ok):
    per-unit state values (T, cap), state 0 the start state; delta (T, cap, 2)
    the index of the next state for input -1 / +1 (0 where never needed); ok
    (T,) False where a trial has more than ``cap`` states, or still finds new
    ones after ``rounds`` breadth-first rounds (default: ``steps``; a bound on
    the work spent on trials that do not saturate).  New states are appended,
    so each round's frontier is the slots done..n-1.
    """
    units, t_all = len(start), start[0].shape[0]
    # (units, trials, slots); one spare slot (index cap) absorbs writes that must go nowhere
    values = np.zeros((units, t_all, cap + 1))
    values[:, :, 0] = start
    delta = np.zeros((t_all, cap + 1, 2), dtype=np.intp)
    n = np.ones(t_all, dtype=np.intp)
    done = np.zeros(t_all, dtype=np.intp)
    ok = np.ones(t_all, dtype=bool)
    active = np.arange(t_all)
    slot = np.arange(cap)
    for depth in range(steps):
        if active.size == 0:
            break
        if rounds is not None and depth >= rounds:
            ok[active] = False
            break
        ta = active.size
        rows = active[:, None]
        na, da = n[active][:, None], done[active][:, None]
        span = int((na - da).max())
        fslot = da + np.arange(span)
        fvalid = fslot < na
        fslot = np.where(fvalid, fslot, cap)
        cand = transition(active, list(values[:, rows, fslot]), INPUTS)
        # columns: the m slots in use by some trial, then candidate (frontier j, input x) at
        # m + 2 j + x (not all cap slots: the sort below is over the columns, every round)
        m = int(na.max())
        cand = np.stack(cand).reshape(units, ta, 2 * span)
        bits = np.concatenate([values[:, active, :m], cand], axis=2).view(np.uint64)
        valid = np.concatenate([slot[:m] < na, np.repeat(fvalid, 2, axis=1)], axis=1)
        col = np.arange(valid.shape[1])
        # sort: valid first, then by key, then by column (existing states first)
        order = np.lexsort((np.broadcast_to(col, valid.shape), _key(bits), ~valid), axis=-1)
        sbits = np.take_along_axis(bits, order[None], axis=2)
        svalid = np.take_along_axis(valid, order, axis=1)
        first = np.ones_like(svalid)
        first[:, 1:] = (sbits[:, :, 1:] != sbits[:, :, :-1]).any(axis=0)
        first &= svalid  # first member of each run of bit-identical states
        head = np.maximum.accumulate(np.where(first, col, 0), axis=1)
        rep = np.take_along_axis(order, head, axis=1)
        fresh = first & (rep >= m)  # a run without an existing state: a new state
        rank = np.cumsum(fresh, axis=1) - 1
        new_index = np.where(rep < m, rep, na + np.take_along_axis(rank, head, axis=1))
        added = fresh.sum(axis=1)
        over = na[:, 0] + added > cap
        index = np.zeros_like(order)
        np.put_along_axis(index, order, new_index, axis=1)
        delta[rows, fslot] = index[:, m:].reshape(ta, span, 2)
        dest = np.where(fresh & ~over[:, None], new_index, cap)
        grown = values[:, active]
        np.put_along_axis(grown, np.broadcast_to(dest, sbits.shape), sbits.view(np.float64), axis=2)
        values[:, active] = grown
        done[active] = na[:, 0]
        n[active] = na[:, 0] + added
        ok[active[over]] = False
        active = active[~over & (added > 0)]
    return list(values[:, :, :cap]), delta[:, :cap], ok


def final_states(
    delta: np.ndarray, x: np.ndarray, lengths: np.ndarray, code_bits: int
) -> np.ndarray:
    """(T, B) index of each trial's state after each sequence, from state 0.

    ``delta`` (T, K, 2) from :func:`reachable` (complete trials only); ``x``
    (L, B) inputs, +-1 within each sequence's length (``lengths`` (B,)).  The
    steps all sequences share are taken ``code_bits`` inputs per table lookup,
    the ragged tail one step at a time.
    """
    trials, k = delta.shape[:2]
    width = 1 << code_bits
    common = int(lengths.min(initial=0))
    full, rest = divmod(common, code_bits)
    # global state g = trial * k + state; flat_delta[g * 2 + symbol] is the next g
    base = (np.arange(trials, dtype=np.intp) * k)[:, None, None]
    flat_delta = (base + delta).reshape(-1)
    # table[g * width + p]: the state after the code_bits inputs of pattern p
    # (bit j of p: input j, 1 for +1), premultiplied by width for the next lookup
    cur = np.broadcast_to(base + np.arange(k)[None, :, None], (trials, k, width)).copy()
    pattern = np.arange(width)
    rest_table = None
    for j in range(1, code_bits + 1):
        cur = flat_delta[cur * 2 + ((pattern >> (j - 1)) & 1)]
        if j == rest:
            rest_table = cur.reshape(-1)
    table = (cur * width).reshape(-1)
    xbit = x > 0
    place = 1 << np.arange(code_bits)
    g = np.repeat(base[:, :, 0] * width, x.shape[1], axis=1)
    idx = np.empty_like(g)
    for c in range(full):
        np.add(g, place @ xbit[c * code_bits : (c + 1) * code_bits], out=idx)
        np.take(table, idx, out=g)
    if rest:
        np.add(g, place[:rest] @ xbit[full * code_bits : common], out=idx)
        np.take(rest_table, idx, out=g)
    else:
        g //= width
    for t in range(common, int(lengths.max(initial=0))):
        g = np.where(t < lengths, flat_delta[g * 2 + xbit[t]], g)
    return g - base[:, :, 0]
