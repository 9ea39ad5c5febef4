"""numba code of :mod:`rsparity.kernel` (imported only by ``kernel.compiled``, so that
``import rsparity`` and processes that do not search never load numba).

States are merged when their unit values compare equal, which also merges +0.0 with
-0.0: a signed zero only ever yields signed zeros (products, sums with other zeros,
tanh), so it can change no non-zero value and no verdict.
"""

import math
import types

import numpy as np
from numba import njit

SATURATED = 19.1
"""tanh(a) is exactly +-1.0 beyond this (the correctly rounded value from |a| > 18.72;
numpy's and the C library's agree): most units of large random weights are here."""


@njit(cache=True, nogil=True, inline="always")
def _unit(a, activation):
    """A unit's value from its pre-activation: tanh, or 1 + tanh (``kernel.LOGISTIC2``).

    From |a| = 1 on, tanh is taken as 1 - 2 / (exp(2|a|) + 1) with the sign of a: libm's
    exp is about 1.3x cheaper than its tanh (benchmarks/kernel_micro.py), and this form
    is as close to numpy's tanh there (tests/test_kernel.py).  Below 1 the subtraction
    would lose bits, so math.tanh is kept."""
    if a > SATURATED:
        t = 1.0
    elif a < -SATURATED:
        t = -1.0
    elif a >= 1.0:
        t = 1.0 - 2.0 / (math.exp(2.0 * a) + 1.0)
    elif a <= -1.0:
        t = 2.0 / (math.exp(-2.0 * a) + 1.0) - 1.0
    else:
        t = math.tanh(a)
    if activation != 0:
        t = t + 1.0
    return t


# The steps.  ``_terms`` runs any lowering's term table; the families' steps are the
# same folds for their lowerings (``kernel._reference``, ``_a1``, ``_a2``) with the
# sources written out instead of looked up (benchmarks/kernel_steps.py, on the AMD EPYC
# of the README's run: 1.1-1.3x for the reference nets, 1.1-1.2x for A1 and A2noself,
# 1.2x for A2, 3.4-3.8x for A1 on noisy inputs; tested
# equal to ``_terms``, tests/test_kernel.py).  One signature, so that each compiled scan
# (:data:`SCANS`) calls its own.


@njit(cache=True, nogil=True, inline="always")
def _fold(w, source, count, vals, i):
    """Unit i's pre-activation from the term sources ``vals``: its terms' values times
    their weights, summed left to right (the one fold of :func:`_terms` and :func:`_settled`)."""
    a = vals[source[i, 0]] * w[i, 0]
    for k in range(1, count[i]):
        a = a + vals[source[i, k]] * w[i, k]
    return a


@njit(cache=True, nogil=True, inline="always")
def _terms(layered, w, source, count, activation, vals, old, new, xv):
    """``vals`` is scratch laid out as the term sources: [1.0, x, old units, this step's
    units], so a term is one indexed load, without branching on its source."""
    units = old.size
    vals[1] = xv
    for u in range(units):
        vals[2 + u] = old[u]
    for i in range(units):
        t = _unit(_fold(w, source, count, vals, i), activation[i])
        vals[2 + units + i] = t
        new[i] = t


@njit(cache=True, nogil=True, inline="always")
def _settled(w, source, count, activation, vals, old, bounds):
    """Whether ``old`` is its own successor for every input in the intervals ``bounds``
    (pairs lo, hi covering every input of the data): at both ends of each, every unit's
    pre-activation (:func:`_fold`) is saturated on the side giving its value in
    ``old``.  A pre-activation is monotone in the input (the input enters one term; each
    rounded product and sum is monotone), so then every input in between saturates too,
    unit by unit in order (a unit reading this step's earlier units sees constants)."""
    units = old.size
    for u in range(units):
        vals[2 + u] = old[u]
    for e in range(bounds.size):
        vals[1] = bounds[e]
        for i in range(units):
            a = _fold(w, source, count, vals, i)
            if a > SATURATED:
                t = 1.0
            elif a < -SATURATED:
                t = -1.0
            else:
                return False
            if activation[i] != 0:
                t = t + 1.0
            if t != old[i]:
                return False
            vals[2 + units + i] = t
    return True


@njit(cache=True, nogil=True, inline="always")
def _reference(layered, w, source, count, activation, vals, old, new, xv):
    """Unit i: previous units 0..H-1, input, bias; tanh."""
    units = new.size
    for i in range(units):
        a = old[0] * w[i, 0]
        for j in range(1, units):
            a = a + old[j] * w[i, j]
        a = a + xv * w[i, units]
        a = a + w[i, units + 1]
        new[i] = _unit(a, 0)


@njit(cache=True, nogil=True, inline="always")
def _a1(layered, w, source, count, activation, vals, old, new, xv):
    """Unit i: input, bias, units 0..U-1 (the output unit, the last, sees this step's
    hidden units when ``layered``); 1 + tanh."""
    units = new.size
    for i in range(units):
        a = xv * w[i, 0]
        a = a + w[i, 1]
        for j in range(units):
            if layered and i == units - 1 and j < units - 1:
                a = a + new[j] * w[i, 2 + j]
            else:
                a = a + old[j] * w[i, 2 + j]
        new[i] = _unit(a, 1)


@njit(cache=True, nogil=True, inline="always")
def _a2(layered, w, source, count, activation, vals, old, new, xv):
    """Hidden unit i: input, bias, its own previous value (A2; A2noself has 3 terms),
    the output's previous value; the output unit (the last): input, bias, hidden units
    0..H-1 (this step's when ``layered``); 1 + tanh."""
    hidden = new.size - 1
    out = old[hidden]
    loops = count[0] == 4
    for i in range(hidden):
        a = xv * w[i, 0]
        a = a + w[i, 1]
        if loops:
            a = a + old[i] * w[i, 2]
        a = a + out * w[i, count[i] - 1]
        new[i] = _unit(a, 1)
    a = xv * w[hidden, 0]
    a = a + w[hidden, 1]
    for j in range(hidden):
        if layered:
            a = a + new[j] * w[hidden, 2 + j]
        else:
            a = a + old[j] * w[hidden, 2 + j]
    new[hidden] = _unit(a, 1)


STEPS = (_terms, _reference, _a1, _a2)
"""Per ``kernel.*_STEP``: the step :func:`_compile` binds into the scan."""
_advance = _terms
"""The step :func:`_scan` calls: rebound per compiled copy (:func:`_compile`)."""


@njit(cache=True, nogil=True, inline="always")
def _readout(read_w, read_source, state):
    z = 0.0
    for k in range(read_source.size):
        s = read_source[k]
        term = (1.0 if s == 0 else state[s - 2]) * read_w[k]
        z = term if k == 0 else z + term
    return z


@njit(cache=True, nogil=True, inline="always")
def _judge(z, target, verdict, tolerance, margin):
    """1 right, 0 wrong, 2 too close to call (decided on the numpy path)."""
    if verdict == 0:
        if abs(z) < margin:
            return 2
        return 1 if (z > 0.0) == (target > 0.0) else 0
    d = abs(0.5 * z - target) - tolerance
    if abs(d) < margin:
        return 2
    return 1 if d < 0.0 else 0


@njit(cache=True, nogil=True, inline="always")
def _slot(values, mask):
    """Hash-table slot of a state: equal values (also +0.0 / -0.0) give equal slots."""
    key = 0.0
    for u in range(values.size):
        key = key * 1.6180339887498949 + values[u]
    return int(abs(key) * 1048576.0) & mask


UNKNOWN = np.uint32(0xFFFFFFFF)
"""A transition not computed yet."""


@njit(cache=True, nogil=True, inline="always")
def _same(states, state, values):
    """Whether state ``state`` has exactly these unit values."""
    for u in range(values.size):
        if states[state, u] != values[u]:
            return False
    return True


@njit(cache=True, nogil=True, inline="always")
def _fixed(trans, at, alphabet):
    """Whether the state at row ``at`` is its own successor for every symbol the data uses."""
    for c in range(3):
        if alphabet[c] and trans[at + c] != at:
            return 0
    return 1


@njit(cache=True, nogil=True, inline="always")
def _load(values, states, state):
    """``values[:] = states[state]``, without a row view (see :func:`_scan`)."""
    for u in range(values.size):
        values[u] = states[state, u]


@njit(cache=True, nogil=True, inline="always")
def _clear(trans, trans2, at):
    """A new state's rows (``at`` = 4 x its index): no successor known for one input or
    for a pair of inputs, not a fixed point."""
    trans[at] = UNKNOWN
    trans[at + 1] = UNKNOWN
    trans[at + 2] = UNKNOWN
    trans[at + 3] = 0
    for p in range(9):
        trans2[4 * at + p] = UNKNOWN


def _scan(
    flat, index, scale, source, count, activation, layered, read_index, read_scale,
    read_source, verdict, tolerance, margin, extra, x, code, pairs, lengths, target, cum,
    alphabet, bounds, memo, cap, status, spent,
):  # fmt: skip
    """Fill ``status`` / ``spent`` per trial (see :func:`rsparity.kernel.scan`).

    The transition table is flat with a row of 4 per state: ``trans[4 s + c]`` is the
    row of the successor for symbol c (``UNKNOWN`` if not computed yet), ``trans[4 s + 3]``
    is 1 when state s is a fixed point; rows instead of indices keep a lookup to one load
    and an add.  ``trans2[16 s + p]`` is the same for the pair of symbols p = 3 c + c'
    (``pairs``), filled once a walk has taken both steps from s: a walk through known
    states then takes one lookup per two inputs.  Rows and symbols are unsigned, so that
    no lookup on the dependent chain pays numba's negative-index check (1.5x on the
    walk, benchmarks/kernel_micro.py).
    Nothing in the loops takes a slice or a row view of an array: each would count a
    reference up and down (two atomic operations), which cost ~10 % of the scan.
    """
    trials = flat.shape[0]
    units, terms = index.shape
    w = np.zeros((units, terms))
    rw = np.zeros(read_index.size)
    sequences = lengths.size
    states = np.zeros((cap, units))
    trans = np.full(4 * cap, UNKNOWN, dtype=np.uint32)
    trans2 = np.full(16 * cap, UNKNOWN, dtype=np.uint32)
    zval = np.zeros(cap)
    zknown = np.zeros(cap, dtype=np.bool_)
    mask = 4 * cap - 1  # cap a power of two: the hash table at most a quarter full
    table = np.zeros(mask + 1, dtype=np.int64)
    stamp = np.full(mask + 1, -1, dtype=np.int64)
    cur_vals = np.zeros(units)
    vals = np.zeros(2 + 2 * units)
    vals[0] = 1.0
    tmp = np.zeros(units)
    for t in range(trials):
        for i in range(units):
            for k in range(count[i]):
                w[i, k] = flat[t, index[i, k]] * scale[i, k]
        for k in range(read_index.size):
            rw[k] = flat[t, read_index[k]] * read_scale[k]
        use = memo
        n_states = 1
        for u in range(units):
            states[0, u] = 0.0
            tmp[u] = 0.0
        _clear(trans, trans2, 0)
        zknown[0] = False
        slot = _slot(tmp, mask)  # the start state, alone in this trial's table
        stamp[slot] = t
        table[slot] = 0
        status[t] = 1
        spent[t] = cum[sequences - 1] if sequences else 0
        for b in range(sequences):
            length = lengths[b]
            s = 0
            at = np.uint32(0)  # the current state's row
            direct = not use
            if use:
                pending = UNKNOWN  # the pair entry to fill once both of its steps are taken
                while s < length:
                    if (s & 1) == 0 and s + 1 < length:  # two inputs at once
                        pair = (at << np.uint32(2)) + pairs[b, np.uint32(s >> 1)]
                        nxt = trans2[pair]
                        if nxt != UNKNOWN:
                            at = nxt
                            s += 2
                            if trans[at + np.uint32(3)]:
                                s = length
                            continue
                        pending = pair
                    symbol = code[b, np.uint32(s)]
                    nxt = trans[at + symbol]
                    if nxt == UNKNOWN:
                        _load(cur_vals, states, at >> 2)
                        xv = x[b, s]
                        _advance(layered, w, source, count, activation, vals, cur_vals, tmp, xv)
                        # the state's index (or -1) by open addressing, a slot being
                        # this trial's if its stamp is t (no reset between trials);
                        # written out, as a function of the four arrays made numba count
                        # references to them around each call
                        slot = _slot(tmp, mask)
                        found = -1
                        while found < 0 and stamp[slot] == t:
                            if _same(states, table[slot], tmp):
                                found = table[slot]
                            else:
                                slot = (slot + 1) & mask
                        if found < 0:
                            if n_states == cap:
                                break
                            found = n_states
                            n_states += 1
                            for u in range(units):
                                states[found, u] = tmp[u]
                            _clear(trans, trans2, 4 * found)
                            zknown[found] = False
                            stamp[slot] = t
                            table[slot] = found
                        nxt = np.uint32(4 * found)
                        trans[at + symbol] = nxt
                        trans[at + 3] = _fixed(trans, at, alphabet)
                    at = nxt
                    s += 1
                    if (s & 1) == 0 and pending != UNKNOWN:
                        trans2[pending] = at
                        pending = UNKNOWN
                    if trans[at + np.uint32(3)]:
                        s = length
                if s < length:  # the table is full: step directly from here on
                    use = False
                    direct = True
                    for u in range(units):
                        cur_vals[u] = tmp[u]
                    s += 1
                else:
                    _load(cur_vals, states, at >> 2)
            else:
                for u in range(units):
                    cur_vals[u] = 0.0
            if direct:
                tried = False  # whether the current state was checked for settling
                while s < length:
                    _advance(layered, w, source, count, activation, vals, cur_vals, tmp, x[b, s])
                    same = True
                    for u in range(units):
                        same = same and tmp[u] == cur_vals[u]
                        cur_vals[u] = tmp[u]
                    s += 1
                    if not same:
                        tried = False
                    elif not tried:  # a step that kept the state: does every input keep it?
                        tried = True
                        if _settled(w, source, count, activation, vals, cur_vals, bounds):
                            s = length
            if extra:
                _advance(layered, w, source, count, activation, vals, cur_vals, tmp, 0.0)
                z = _readout(rw, read_source, tmp)
            elif not direct:
                if not zknown[at >> 2]:
                    zval[at >> 2] = _readout(rw, read_source, cur_vals)
                    zknown[at >> 2] = True
                z = zval[at >> 2]
            else:
                z = _readout(rw, read_source, cur_vals)
            verdict_b = _judge(z, target[b], verdict, tolerance, margin)
            if verdict_b != 1:
                status[t] = verdict_b
                spent[t] = cum[b]
                break


def _compile(step: int):
    """:func:`_scan` with ``_advance`` bound to ``STEPS[step]`` (inlined, so the scan's loop
    has no branch on the net), compiled under its own name so that numba caches each."""
    name = f"scan_{STEPS[step].__name__.lstrip('_')}"
    scope = dict(globals(), _advance=STEPS[step])
    fn = types.FunctionType(_scan.__code__, scope, name)
    fn.__qualname__, fn.__doc__ = name, _scan.__doc__
    return njit(cache=True, nogil=True)(fn)


SCANS = tuple(_compile(step) for step in range(len(STEPS)))
"""Per ``kernel.*_STEP``: the scan with that step (compiled, or loaded from the cache,
on first call)."""
