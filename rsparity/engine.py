"""The exact random-search engine.

Trial k (1-based) uses the k-th block of ``n_weights`` uniform draws from the
generator that drew the training set - the reference protocol.  The engine
draws trials in blocks, jumping to any block with ``PCG64.advance`` (every
uniform double consumes one 64-bit output), and rejects each trial at its first
misclassified sequence: all trials of a block see a first chunk of sequences,
survivors see a bigger chunk, and so on, so work per trial is a couple of
sequences while a solver is still checked on every one.  The first solver is
the smallest surviving index, so the answer does not depend on block size,
chunk size or the number of worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

from .data import Dataset
from .nets import Architecture, Params, get_architecture, select
from .protocols import training_set
from .spec import SearchSpec

SEARCH_BLOCK = 16384
"""Largest block of trials drawn at once; blocks start at SEARCH_FIRST_BLOCK and double."""
SEARCH_FIRST_BLOCK = 1024
"""The first block: a search that solves early draws no more than this."""
SEARCH_CHUNK_PAIRS = 1024
"""Trial-sequence pairs evaluated per numpy pass (sets the chunk of sequences)."""


@dataclass(frozen=True)
class Stream:
    """Everything needed to reproduce any trial's weights and verdict."""

    arch: Architecture
    hidden: int
    weight_scale: float
    data: Dataset
    state: dict
    """PCG64 state right after the training set was drawn."""

    @property
    def n_weights(self) -> int:
        return self.arch.n_weights(self.hidden)

    def draws(self, first: int, count: int) -> np.ndarray:
        """Raw uniform draws of trials first..first+count-1 (1-based), (count, D)."""
        bitgen = np.random.PCG64()
        bitgen.state = self.state
        bitgen.advance((first - 1) * self.n_weights)
        r = self.weight_scale
        return np.random.Generator(bitgen).uniform(-r, r, size=(count, self.n_weights))

    def params(self, first: int, count: int) -> Params:
        return self.arch.unpack(self.draws(first, count), self.hidden)


def open_stream(spec: SearchSpec) -> Stream:
    """Draw the training set for ``spec`` and remember where the weights start."""
    rng = np.random.default_rng(spec.seed)
    data = training_set(rng, spec)
    return Stream(
        arch=get_architecture(spec.arch),
        hidden=spec.hidden,
        weight_scale=float(spec.weight_scale),
        data=data,
        state=rng.bit_generator.state,
    )


def survivors(arch: Architecture, params: Params, data: Dataset, chunk: int) -> np.ndarray:
    """Indices of the trials in ``params`` that classify every sequence of ``data``."""
    alive = np.arange(next(iter(params.values())).shape[0])
    done = 0
    while alive.size and done < data.size:
        step = min(max(1, chunk // alive.size), data.size - done)
        ok = arch.correct(select(params, alive), data, done, done + step)
        alive = alive[ok.all(axis=1)]
        done += step
    return alive


def scan_block(stream: Stream, first: int, count: int, chunk: int) -> int | None:
    """1-based index of the first solver among trials first..first+count-1, or None."""
    hits = survivors(stream.arch, stream.params(first, count), stream.data, chunk)
    return first + int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class SearchOutcome:
    """``trials`` is the solver's index, or ``max_trials`` when nothing solved."""

    solved: bool
    trials: int
    weights: Params | None
    stream: Stream
    wallclock_s: float


Progress = Callable[[int, float], None]

_WORKER_STREAM: Stream | None = None


def _worker_init(stream: Stream) -> None:
    global _WORKER_STREAM
    _WORKER_STREAM = stream


def _worker_scan(first: int, count: int, chunk: int) -> int | None:
    assert _WORKER_STREAM is not None
    return scan_block(_WORKER_STREAM, first, count, chunk)


def _blocks(max_trials: int, block: int):
    """(first, count) of successive blocks, doubling up to ``block``: short searches stay short."""
    first, size = 1, min(SEARCH_FIRST_BLOCK, block)
    while first <= max_trials:
        count = min(size, max_trials - first + 1)
        yield first, count
        first += count
        size = min(2 * size, block)


def search(
    spec: SearchSpec,
    block: int = SEARCH_BLOCK,
    chunk: int = SEARCH_CHUNK_PAIRS,
    workers: int = 1,
    progress: Progress | None = None,
) -> SearchOutcome:
    """Find the first trial that classifies every training sequence (exactly)."""
    if block < 1 or chunk < 1 or workers < 1:
        raise ValueError("block, chunk and workers must be >= 1")
    start = time.perf_counter()
    stream = open_stream(spec)
    found = None
    done = 0
    if workers == 1:
        for first, count in _blocks(spec.max_trials, block):
            found = scan_block(stream, first, count, chunk)
            done = first + count - 1
            if progress:
                progress(done, time.perf_counter() - start)
            if found is not None:
                break
    else:
        found, done = _parallel(stream, spec.max_trials, block, chunk, workers, start, progress)
    wallclock = time.perf_counter() - start
    if found is None:
        return SearchOutcome(False, spec.max_trials, None, stream, wallclock)
    return SearchOutcome(True, found, stream.params(found, 1), stream, wallclock)


def _parallel(stream, max_trials, block, chunk, workers, start, progress):
    """Scan blocks on ``workers`` processes, keeping ``2 * workers`` in flight, in order."""
    ctx = get_context("fork")
    with ProcessPoolExecutor(workers, ctx, _worker_init, (stream,)) as pool:
        pending = []
        blocks = _blocks(max_trials, block)
        found = None
        done = 0
        while True:
            while len(pending) < 2 * workers:
                nxt = next(blocks, None)
                if nxt is None:
                    break
                pending.append((nxt, pool.submit(_worker_scan, *nxt, chunk)))
            if not pending:
                break
            (first, count), fut = pending.pop(0)
            found = fut.result()
            done = first + count - 1
            if progress:
                progress(done, time.perf_counter() - start)
            if found is not None:
                for _, f in pending:
                    f.cancel()
                break
        return found, done


def accuracy(arch: Architecture, params: Params, data: Dataset, chunk: int = 1 << 16) -> float:
    """Fraction of ``data`` that the single trial ``params`` classifies correctly."""
    right = 0
    for lo in range(0, data.size, chunk):
        hi = min(lo + chunk, data.size)
        right += int(arch.correct(params, data, lo, hi).sum())
    return right / data.size
