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

Where numba is installed, a compiled kernel (:mod:`rsparity.kernel`) finds each
trial's first error instead of the numpy time loop, once a search has run long
enough to pay for loading it.  It leaves any verdict too close to call to the
numpy path, and a solver it reports counts only once the numpy path confirms it
(with the numpy path's sequence-steps): a reported solver always is one on the
numpy path, and that the kernel rejects no numpy solver is tested on >= 1,000
seeds of every net (tests/test_kernel.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

from . import kernel
from .data import Dataset
from .nets import Architecture, Params, get_architecture, n_trials, select
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


def survivors(
    arch: Architecture, params: Params, data: Dataset, chunk: int, fast: bool = True
) -> tuple[np.ndarray, np.ndarray, bool]:
    """:func:`numpy_survivors`, by the compiled kernel where it applies (and ``fast``):
    the trials it finds wrong are final, those too close to call go to the numpy path,
    and those it finds right are candidates (:func:`scan_block` confirms each).  The
    third value says whether the kernel ran (whether the survivors are candidates)."""
    fast = kernel.scan(arch, params, data) if fast else None
    if fast is None:
        return (*numpy_survivors(arch, params, data, chunk), False)
    status, spent = fast
    unsure = np.flatnonzero(status == kernel.UNSURE)
    if unsure.size:
        right, steps = numpy_survivors(arch, select(params, unsure), data, chunk)
        status[unsure] = kernel.FAIL
        status[unsure[right]] = kernel.PASS
        spent[unsure] = steps
    return np.flatnonzero(status == kernel.PASS), spent, True


def confirmed(
    arch: Architecture, params: Params, data: Dataset, chunk: int, hits: np.ndarray,
    spent: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """The first of ``hits`` that the numpy path also finds right (``hits[:1]``, or empty);
    a kernel's false solver gets the numpy path's sequence-steps in ``spent``."""
    for k, hit in enumerate(hits):
        one = np.array([hit])
        right, steps = numpy_survivors(arch, select(params, one), data, chunk)
        spent[hit] = steps[0]
        if right.size:
            return hits[k : k + 1]
    return hits[:0]


def numpy_survivors(
    arch: Architecture, params: Params, data: Dataset, chunk: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the trials in ``params`` that classify every sequence of ``data``, and
    each trial's sequence-steps under the protocol's order: its sequences in training
    order up to and including the first one it gets wrong (one input step of one
    sequence = 1).  That count does not depend on ``chunk``: it is what a plain loop
    stopping at a trial's first error would evaluate."""
    count = n_trials(params)
    alive = np.arange(count)
    spent = np.zeros(count, dtype=np.int64)
    steps = np.cumsum(data.lengths, dtype=np.int64)
    done = 0
    while alive.size and done < data.size:
        step = min(max(1, chunk // alive.size), data.size - done)
        ok = arch.correct(select(params, alive), data, done, done + step)
        passed = ok.all(axis=1)
        dead = ~passed
        spent[alive[dead]] = steps[done + np.argmin(ok[dead], axis=1)]
        alive = alive[passed]
        done += step
    spent[alive] = steps[-1] if steps.size else 0
    return alive, spent


def scan_block(
    stream: Stream, first: int, count: int, chunk: int, fast: bool = True
) -> tuple[int | None, int]:
    """1-based index of the first solver among trials first..first+count-1 (or None), and
    the sequence-steps of the block's trials up to that solver (all of them if none).
    ``fast``: use the compiled kernel where it applies (loading it if need be)."""
    params = stream.params(first, count)
    hits, spent, candidates = survivors(stream.arch, params, stream.data, chunk, fast)
    if hits.size and candidates:
        hits = confirmed(stream.arch, params, stream.data, chunk, hits, spent)
    if not hits.size:
        return None, int(spent.sum())
    return first + int(hits[0]), int(spent[: hits[0] + 1].sum())


@dataclass(frozen=True)
class SearchOutcome:
    """``trials`` is the solver's index, or ``max_trials`` when nothing solved;
    ``sequence_steps`` is the work of those trials (see :func:`survivors`)."""

    solved: bool
    trials: int
    weights: Params | None
    stream: Stream
    wallclock_s: float
    sequence_steps: int


Progress = Callable[[int, float], None]

_WORKER_STREAM: Stream | None = None


def _worker_init(stream: Stream) -> None:
    global _WORKER_STREAM
    _WORKER_STREAM = stream


def _worker_scan(first: int, count: int, chunk: int) -> tuple[int | None, int]:
    assert _WORKER_STREAM is not None
    return scan_block(_WORKER_STREAM, first, count, chunk, kernel.loaded())


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
    done = spent = 0
    if workers == 1:
        for first, count in _blocks(spec.max_trials, block):
            # load the kernel only for a search that outlasts the loading (~0.6 s)
            fast = kernel.wins(stream.arch, stream.data) and (
                kernel.loaded() or time.perf_counter() - start > kernel.LOAD_AFTER_S
            )
            found, steps = scan_block(stream, first, count, chunk, fast)
            spent += steps
            done = first + count - 1
            if progress:
                progress(done, time.perf_counter() - start)
            if found is not None:
                break
    else:
        found, spent = _parallel(stream, spec.max_trials, block, chunk, workers, start, progress)
    wallclock = time.perf_counter() - start
    if found is None:
        return SearchOutcome(False, spec.max_trials, None, stream, wallclock, spent)
    return SearchOutcome(True, found, stream.params(found, 1), stream, wallclock, spent)


def _parallel(stream, max_trials, block, chunk, workers, start, progress):
    """Scan blocks on ``workers`` processes, keeping ``2 * workers`` in flight, in order."""
    kernel.applies(stream.arch, stream.data)  # load it once, before the workers fork
    ctx = get_context("fork")
    with ProcessPoolExecutor(workers, ctx, _worker_init, (stream,)) as pool:
        pending = []
        blocks = _blocks(max_trials, block)
        found = None
        spent = 0
        while True:
            while len(pending) < 2 * workers:
                nxt = next(blocks, None)
                if nxt is None:
                    break
                pending.append((nxt, pool.submit(_worker_scan, *nxt, chunk)))
            if not pending:
                break
            (first, count), fut = pending.pop(0)
            found, steps = fut.result()
            spent += steps
            done = first + count - 1
            if progress:
                progress(done, time.perf_counter() - start)
            if found is not None:
                for _, f in pending:
                    f.cancel()
                break
        return found, spent


def accuracy(arch: Architecture, params: Params, data: Dataset, chunk: int = 1 << 16) -> float:
    """Fraction of ``data`` that the single trial ``params`` classifies correctly."""
    right = 0
    for lo in range(0, data.size, chunk):
        hi = min(lo + chunk, data.size)
        right += int(arch.correct(params, data, lo, hi).sum())
    return right / data.size
