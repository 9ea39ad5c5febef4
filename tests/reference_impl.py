"""The reference protocol written plainly: one trial at a time, every sequence.

This is the yardstick the engine is tested (and benchmarked) against: no
batching, no early rejection, numpy only over the training sequences, exactly
the steps of the protocol stated in README.md ("Problem").
"""

from __future__ import annotations

import numpy as np


def split_weights(w: np.ndarray, hidden: int, nodiag: bool = False):
    h = hidden
    w_xh = w[:h]
    w_hh = w[h : h + h * h].reshape(h, h).copy()
    b_h = w[h + h * h : 2 * h + h * h]
    w_hy = w[2 * h + h * h : 3 * h + h * h]
    b_y = w[3 * h + h * h :]
    if nodiag:
        np.fill_diagonal(w_hh, 0.0)
    return w_xh, w_hh, b_h, w_hy, b_y


def trial_correct(X: np.ndarray, y: np.ndarray, w: np.ndarray, hidden: int, nodiag: bool):
    """Per-sequence correctness of one weight vector on all of X (B, N)."""
    w_xh, w_hh, b_h, w_hy, b_y = split_weights(w, hidden, nodiag)
    h = np.zeros((X.shape[0], hidden))
    for t in range(X.shape[1]):
        h = np.tanh(h @ w_hh + X[:, t : t + 1] * w_xh + b_h)
    o = np.tanh(h @ w_hy + b_y)
    return np.sign(o) == y


def plain_search(seed, n, hidden, weight_scale, sample_size, max_trials, nodiag=False, X=None):
    """(index of first solver or None, its raw draw vector or None).

    ``X`` replaces the drawn training set (used for the 'all' option, which
    draws no data from the generator).
    """
    return plain_search_steps(seed, n, hidden, weight_scale, sample_size, max_trials, nodiag, X)[:2]


def plain_search_steps(
    seed, n, hidden, weight_scale, sample_size, max_trials, nodiag=False, X=None
):
    """``plain_search`` and the sequence-steps a loop stopping at each trial's first wrong
    sequence would evaluate, up to the solver (or all ``max_trials``)."""
    rng = np.random.default_rng(seed)
    if X is None:
        X = rng.choice([-1, 1], size=(sample_size, n))
    y = X.prod(axis=1)
    d = hidden + hidden * hidden + hidden + hidden + 1
    steps = 0
    for k in range(1, max_trials + 1):
        w = rng.uniform(-weight_scale, weight_scale, size=d)
        ok = trial_correct(X, y, w, hidden, nodiag)
        wrong = np.flatnonzero(~ok)
        steps += n * (wrong[0] + 1 if wrong.size else len(ok))
        if not wrong.size:
            return k, w, steps
    return None, None, steps
