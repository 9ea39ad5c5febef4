"""The trace of one search: the real training accuracy of every trial, for plots.

The search engine (:mod:`rsparity.engine`) rejects a trial at its first
misclassified sequence, so it never learns how good the other trials were.
:func:`trace_search` replays the same trial stream (:func:`~rsparity.engine.open_stream`)
and scores every trial from 1 up to the first solver (or ``max_trials``) on the
whole training set, in blocks of trials with bounded memory.  The solver is
found by the same criterion (every sequence correct), so ``trace["trials"]``
equals ``search(spec).trials``.

Scoring is exact.  Blocks of trials are scored by ``arch.correct`` in chunks
of sequences (the time loop), or - on +-1 inputs with at least
``TRACE_AUTOMATON_MIN_SEQUENCES`` training sequences - by the net's automaton
(:meth:`~rsparity.nets.base.Architecture.automaton_correct`): with r = 30 most
trials saturate, and the states a trial can reach form a small set (at most 64
states for 84 % of the headline run's trials).  Trials with more than
``TRACE_STATE_CAP`` states fall back to the time loop.  Both give identical
counts (tested); the headline run (10,253 trials x 2,048 sequences) traces in
about 6 s instead of about 18 s on one core.

Trace dict (JSON-ready; :func:`write_trace` / :func:`read_trace`)::

    schema        "rsparity-trace/1"
    params        the spec, as in the result record (SearchSpec.as_params())
    sample_size   B, the number of training sequences (accuracy denominator)
    solved        bool: a trial classified all B sequences
    trials        index of the first solver (1-based), or max_trials if none;
                  equals rsparity.engine.search(spec).trials
    every         k: the subsample is trial 1 and every k-th trial (k, 2k, ...)
    sampled       {"trial": [int], "correct": [int]}  the subsample, ascending;
                  correct = number of training sequences right (0..B)
    best          {"trial": [int], "correct": [int]}  trial 1, then every trial
                  that strictly raises the best-so-far count; if solved, the
                  last entry is (trials, B)
    histogram     {"correct": [int], "count": [int]}  all traced trials
                  1..trials binned by their count of correct sequences (only
                  non-empty bins, ascending)
    timing        {"wallclock_s": float, "trials_per_s": float}  (not deterministic)

Accuracies are ``correct / sample_size``; :func:`sampled`, :func:`best_so_far`
return them as float arrays.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_text
from .engine import Stream, open_stream
from .nets import Params, select
from .spec import SearchSpec

SCHEMA = "rsparity-trace/1"
DEFAULT_EVERY = 10
"""Subsample: trial 1 and every 10th trial."""
TRACE_BLOCK = 1024
"""Trials scored per block (bounds memory with the chunks below)."""
TRACE_CHUNK_PAIRS = 1 << 15
"""Trial-sequence pairs per numpy pass of the time loop (cache-sized)."""
TRACE_LOOP_SEQUENCES = 256
"""Sequences per numpy pass of the time loop."""
TRACE_STATE_CAP = 64
"""Largest reachable-state set the automaton path handles per trial in a trace block."""
TRACE_AUTOMATON_MIN_SEQUENCES = 512
"""Method "auto" uses the automaton path from this many training sequences on."""
TRACE_AUTOMATON_PAIRS = 1 << 21
"""Trial-sequence pairs run through the automaton's tables at once."""

# --------------------------------------------------------------------------- scoring


def loop_counts(stream: Stream, params: Params, chunk: int = TRACE_CHUNK_PAIRS) -> np.ndarray:
    """Number of training sequences each trial of ``params`` gets right, via ``arch.correct``."""
    data = stream.data
    trials = next(iter(params.values())).shape[0]
    counts = np.zeros(trials, dtype=np.int64)
    if trials == 0:
        return counts
    step_b = min(data.size, TRACE_LOOP_SEQUENCES)
    step_t = max(1, min(trials, chunk // step_b))
    for t0 in range(0, trials, step_t):
        part = select(params, slice(t0, t0 + step_t))
        for lo in range(0, data.size, step_b):
            hi = min(lo + step_b, data.size)
            counts[t0 : t0 + step_t] += stream.arch.correct(part, data, lo, hi).sum(axis=1)
    return counts


def correct_counts(
    stream: Stream,
    first: int,
    count: int,
    chunk: int = TRACE_CHUNK_PAIRS,
    method: str = "auto",
) -> np.ndarray:
    """Number of training sequences right, for trials first..first+count-1: int64 (count,).

    ``method``: "loop" (``arch.correct``), "automaton" (the automaton where it
    applies, the loop for the rest) or "auto" (automaton when the training set
    has at least ``TRACE_AUTOMATON_MIN_SEQUENCES`` sequences).
    """
    return params_counts(stream, stream.params(first, count), chunk, method)


def params_counts(
    stream: Stream,
    params: Params,
    chunk: int = TRACE_CHUNK_PAIRS,
    method: str = "auto",
    cap: int = TRACE_STATE_CAP,
) -> np.ndarray:
    """:func:`correct_counts` for any block of trials' weights ``params`` (e.g. a slice
    of weight space, :mod:`rsparity.basin`), on ``stream``'s training set; ``cap``: the
    automaton path's largest reachable-state set per trial (more: the time loop)."""
    if method not in ("auto", "loop", "automaton"):
        raise ValueError(f"method must be 'auto', 'loop' or 'automaton', got {method!r}")
    data, arch = stream.data, stream.arch
    applies = arch.automaton_applies(data)
    if method == "auto":
        applies = applies and data.size >= TRACE_AUTOMATON_MIN_SEQUENCES
    if method == "loop" or not applies:
        return loop_counts(stream, params, chunk)
    right, ok = arch.automaton_correct(
        params,
        data,
        0,
        data.size,
        cap=cap,
        rounds=data.max_length,
        chunk=TRACE_AUTOMATON_PAIRS,
    )
    counts = right.sum(axis=1)
    rest = np.flatnonzero(~ok)
    if rest.size:
        counts[rest] = loop_counts(stream, select(params, rest), chunk)
    return counts


# --------------------------------------------------------------------------- the trace


def trace_search(
    spec: SearchSpec,
    every: int = DEFAULT_EVERY,
    block: int = TRACE_BLOCK,
    chunk: int = TRACE_CHUNK_PAIRS,
    method: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Score every trial of the search up to its first solver: the trace dict (see module).

    ``progress(done, max_trials)`` is called after each block of trials (e.g. for a
    terminal's progress line); it does not change the trace.
    """
    if every < 1 or block < 1 or chunk < 1:
        raise ValueError("every, block and chunk must be >= 1")
    start = time.perf_counter()
    stream = open_stream(spec)
    size = stream.data.size
    hist = np.zeros(size + 1, dtype=np.int64)
    sampled_t: list[int] = []
    sampled_c: list[int] = []
    best_t: list[int] = []
    best_c: list[int] = []
    best = -1
    solved = False
    last = 0
    first = 1
    while first <= spec.max_trials:
        count = min(block, spec.max_trials - first + 1)
        counts = correct_counts(stream, first, count, chunk, method)
        hits = np.flatnonzero(counts == size)
        if hits.size:
            solved = True
            counts = counts[: hits[0] + 1]
        idx = np.arange(first, first + counts.size)
        take = (idx % every == 0) | (idx == 1)
        sampled_t += idx[take].tolist()
        sampled_c += counts[take].tolist()
        running = np.maximum.accumulate(np.concatenate([[best], counts]))
        rises = np.flatnonzero(running[1:] > running[:-1])
        best_t += idx[rises].tolist()
        best_c += counts[rises].tolist()
        best = int(running[-1])
        hist += np.bincount(counts, minlength=size + 1)
        last = first + counts.size - 1
        if progress is not None:
            progress(last, spec.max_trials)
        if solved:
            break
        first += count
    wall = time.perf_counter() - start
    nonzero = np.flatnonzero(hist)
    return {
        "schema": SCHEMA,
        "params": spec.as_params(),
        "sample_size": size,
        "solved": solved,
        "trials": last,
        "every": every,
        "sampled": {"trial": sampled_t, "correct": sampled_c},
        "best": {"trial": best_t, "correct": best_c},
        "histogram": {"correct": nonzero.tolist(), "count": hist[nonzero].tolist()},
        "timing": {"wallclock_s": wall, "trials_per_s": last / wall if wall else None},
    }


def sampled(trace: dict) -> tuple[np.ndarray, np.ndarray]:
    """(trial numbers, accuracies in [0, 1]) of the subsample."""
    s = trace["sampled"]
    return np.asarray(s["trial"], dtype=np.int64), np.asarray(s["correct"]) / trace["sample_size"]


def best_so_far(trace: dict) -> tuple[np.ndarray, np.ndarray]:
    """(trial numbers, accuracies in [0, 1]) where the best-so-far accuracy rises."""
    b = trace["best"]
    return np.asarray(b["trial"], dtype=np.int64), np.asarray(b["correct"]) / trace["sample_size"]


def write_trace(trace: dict, path: str | os.PathLike) -> None:
    """Write the trace as compact JSON (one top-level key per line), atomically."""
    lines = ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in trace.items())
    write_text("{\n" + lines + "\n}\n", path)


def read_trace(path: str | os.PathLike) -> dict:
    """Read a trace written by :func:`write_trace`; checks the schema tag."""
    trace = json.loads(Path(path).read_text())
    if trace.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} trace (schema={trace.get('schema')!r})")
    return trace
