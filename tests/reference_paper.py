"""The paper protocol written plainly: one trial at a time, every sequence.

Written from the documented protocol (``rsparity.data.paper_set`` and the class
docstrings of ``rsparity.paper``), not from the engine's code: each sequence is
its own list of inputs, every unit is computed on its own, time runs step by
step over all sequences (numpy over sequences only), and each sequence's output
is picked from the output's history at its own read-out step.  The sums are
written left to right in the documented order and the logistic function is
the documented ``0.5 * (1.0 + tanh(0.5 * a))``, so results agree bit for bit.

``variant`` (one unstated detail, ``rsparity.nets.paper``'s docstring) is applied
here by name: a weight variant sets the named weights of the drawn vector to 0
(or divides the biases by the weight scale), ``inputs01`` codes a bit as 0/1,
``threshold`` accepts an output on the target's side of 0.5.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def make_sequences(rng, n, count, noise=0.0, inputs01=False):
    """(list of per-sequence float input arrays, list of 0/1 targets), drawn as documented;
    a bit is the input -1 / +1, or 0 / 1 with ``inputs01``."""
    longest = n + n // 5
    lengths = rng.integers(n, longest, size=count, endpoint=True)
    bits = rng.integers(0, 2, size=(count, longest))
    if noise > 0:
        jitter = rng.uniform(-noise, noise, size=(count, longest))
    else:
        jitter = np.zeros((count, longest))
    inputs, targets = [], []
    for i in range(count):
        length = lengths[i]
        b = bits[i, :length].copy()
        wanted = i % 2
        b[-1] = (wanted - b[:-1].sum()) % 2
        assert b.sum() % 2 == wanted
        clean = b if inputs01 else 2 * b - 1
        inputs.append(clean + jitter[i, :length])
        targets.append(wanted)
    return inputs, targets


def n_weights(arch, hidden):
    if arch == "A1":
        u = hidden + 1
        return u + u * u + u
    return 5 * hidden + 2


def split(arch, w, hidden, variant="none", weight_scale=1.0):
    """Named weights of one trial's draw vector ``w``, in the documented draw order,
    with the weight variant's zeros / rescaling."""
    h = hidden
    if arch == "A1":
        u = h + 1
        w_in = w[:u].copy()
        w_rec = w[u : u + u * u].reshape(u, u).copy()
        b = w[u + u * u :].copy()
        output = h  # the last unit
        if variant == "no_output_bias":
            b[output] = 0.0
        if variant == "no_output_self":
            w_rec[output, output] = 0.0
        if variant == "no_hidden_self":
            for j in range(h):
                w_rec[j, j] = 0.0
        if variant == "no_self_loops":
            for j in range(u):
                w_rec[j, j] = 0.0
        if variant == "input_hidden_only":
            w_in[output] = 0.0
        if variant == "no_output_feedback":
            for j in range(h):
                w_rec[output, j] = 0.0  # from the output unit to hidden unit j
        if variant == "bias_range_1":
            b = b / weight_scale
        return {"W_in": w_in, "W_rec": w_rec, "b": b}
    named = {}
    pos = 0
    for name, size in (
        ("W_xh", h),
        ("w_self", h),
        ("W_oh", h),
        ("b_h", h),
        ("W_xo", 1),
        ("W_ho", h),
        ("b_o", 1),
    ):
        named[name] = w[pos : pos + size].copy()
        pos += size
    if arch == "A2noself" or variant == "no_hidden_self":
        named["w_self"][:] = 0.0
    if variant == "no_output_bias":
        named["b_o"][:] = 0.0
    if variant == "input_hidden_only":
        named["W_xo"][:] = 0.0
    if variant == "no_output_feedback":
        named["W_oh"][:] = 0.0
    if variant == "bias_range_1":
        named["b_h"] = named["b_h"] / weight_scale
        named["b_o"] = named["b_o"] / weight_scale
    return named


def outputs(arch, w, hidden, inputs, order, readout, variant="none", weight_scale=1.0):
    """The output unit's value at each sequence's read-out step, for one trial."""
    extra = 1 if readout == "extra" else 0
    count = len(inputs)
    ends = [len(seq) + extra for seq in inputs]
    steps = max(ends)
    X = np.zeros((count, steps))
    for i, seq in enumerate(inputs):
        X[i, : len(seq)] = seq
    p = split(arch, w, hidden, variant, weight_scale)
    history = []
    if arch == "A1":
        units = hidden + 1
        out = units - 1
        s = [np.zeros(count) for _ in range(units)]
        for t in range(steps):
            x = X[:, t]
            new = []
            for i in range(units):
                src = s
                if order == "layered" and i == out:
                    src = new + [s[out]]
                a = p["b"][i] + p["W_in"][i] * x
                for j in range(units):
                    a = a + p["W_rec"][j, i] * src[j]
                new.append(sigmoid(a))
            s = new
            history.append(s[out])
    else:
        h = [np.zeros(count) for _ in range(hidden)]
        o = np.zeros(count)
        for t in range(steps):
            x = X[:, t]
            new_h = []
            for i in range(hidden):
                a = p["b_h"][i] + p["W_xh"][i] * x + p["w_self"][i] * h[i] + p["W_oh"][i] * o
                new_h.append(sigmoid(a))
            src = new_h if order == "layered" else h
            z = p["b_o"][0] + p["W_xo"][0] * x
            for j in range(hidden):
                z = z + p["W_ho"][j] * src[j]
            h, o = new_h, sigmoid(z)
            history.append(o)
    return np.array([history[end - 1][i] for i, end in enumerate(ends)])


def trial_correct(
    arch, w, hidden, inputs, targets, order, readout, variant="none", weight_scale=1.0
):
    o = outputs(arch, w, hidden, inputs, order, readout, variant, weight_scale)
    t = np.array(targets, dtype=float)
    if variant == "threshold":
        return np.where(t == 1.0, o > 0.5, o < 0.5)
    return np.abs(o - t) < 0.1


def plain_search(
    arch,
    seed,
    n,
    hidden,
    weight_scale,
    sample_size,
    max_trials,
    order,
    readout,
    noise=0.0,
    variant="none",
):
    """(index of the first trial that classifies every training sequence, its draws), or Nones."""
    found = plain_search_steps(
        arch, seed, n, hidden, weight_scale, sample_size, max_trials, order, readout, noise, variant
    )
    return found[:2]


def plain_search_steps(
    arch,
    seed,
    n,
    hidden,
    weight_scale,
    sample_size,
    max_trials,
    order,
    readout,
    noise=0.0,
    variant="none",
):
    """``plain_search`` and the input steps a loop stopping at each trial's first wrong
    sequence would evaluate, up to the solver (or all ``max_trials``)."""
    rng = np.random.default_rng(seed)
    inputs, targets = make_sequences(rng, n, sample_size, noise, variant == "inputs01")
    ends = np.cumsum([len(x) for x in inputs])
    d = n_weights(arch, hidden)
    steps = 0
    for k in range(1, max_trials + 1):
        w = rng.uniform(-weight_scale, weight_scale, size=d)
        right = trial_correct(
            arch, w, hidden, inputs, targets, order, readout, variant, weight_scale
        )
        wrong = np.flatnonzero(~right)
        steps += int(ends[wrong[0]] if wrong.size else ends[-1])
        if not wrong.size:
            return k, w, steps
    return None, None, steps


def assert_weights(got, want):
    """The engine's weights of one trial (arrays with a trial axis) equal ``want``
    (:func:`split`'s named arrays), name by name."""
    assert set(got) == set(want)
    for name, value in want.items():
        assert np.array_equal(got[name][0], np.reshape(value, got[name][0].shape)), name


def plain_for(spec):
    """:func:`plain_search_steps` for a :class:`rsparity.spec.SearchSpec` of the paper protocol."""
    return plain_search_steps(
        spec.arch,
        spec.seed,
        spec.n,
        spec.hidden,
        spec.weight_scale,
        spec.sample_size,
        spec.max_trials,
        spec.order,
        spec.readout,
        spec.noise,
        spec.variant,
    )
