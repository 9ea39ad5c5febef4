"""Memory limits: what a job will allocate, estimated from its settings, checked first.

A search that cannot fit must fail with one line naming its settings, not
after minutes of allocating (``--n 1000000000`` would ask for terabytes).
:func:`search_estimate`, :func:`trace_estimate` and :func:`gif_estimate` add
up the arrays their code allocates, with the byte counts per element read
from that code (documented next to each term), and take the largest phase;
:func:`check` refuses an :class:`Estimate` over a :class:`Budget`.  The
estimates are upper bounds on the memory allocated beyond the running
interpreter (tested against ``tracemalloc`` and ``ru_maxrss`` in
``tests/test_limits.py``).

Any other job (e.g. a gradient run) plugs in by building an :class:`Estimate`
and calling :func:`check` with :func:`budget`.
"""

from __future__ import annotations

import math
import os
import re
import resource
from dataclasses import dataclass
from pathlib import Path

from .data import (
    HELDOUT_SIZE,
    LONG_FACTOR,
    LONG_SIZE,
    PAPER_LONG_SIZE,
    paper_length_range,
)
from .engine import SEARCH_BLOCK, SEARCH_CHUNK_PAIRS, SEARCH_FIRST_BLOCK
from .errors import InputError
from .nets import get_architecture
from .nets.base import LOOP_GROUP_ELEMENTS, SOLVER_STATE_CAP
from .spec import SearchSpec
from .trace import (
    TRACE_AUTOMATON_MIN_SEQUENCES,
    TRACE_AUTOMATON_PAIRS,
    TRACE_BLOCK,
    TRACE_STATE_CAP,
)

DEFAULT_FRACTION = 0.5
"""The default budget: this share of the memory the process may use (machine, cgroup
or address-space limit, whichever is lowest); the rest is for the interpreter and
everything else running."""
ACCURACY_CHUNK = 1 << 16
"""Sequences :func:`rsparity.engine.accuracy` scores at once."""
GIF_FRAME_BYTES = 900 * 640 * 3
"""One RGB frame of the search animation (rsparity.animation, 900 x 640 px)."""
GIF_FIXED_BYTES = 64 << 20
"""The animation's figure and canvas (matplotlib), whatever the frame count."""
MARGIN = 1.5
"""Every estimate is its model's peak times MARGIN plus SLACK: the model counts the big
arrays exactly (measured: within 5 % for several searches), not the allocator's rounding,
small arrays, Python objects or another numpy version's temporaries."""
SLACK = 16 << 20
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


@dataclass(frozen=True)
class Budget:
    """At most ``bytes`` for one job; ``source`` says where the number comes from."""

    bytes: int
    source: str


@dataclass(frozen=True)
class Estimate:
    """What job ``what`` (its settings, one line) allocates at its peak: ``bytes``.

    ``phases`` are the peaks of its stages (bytes); ``bytes`` is the largest.
    """

    what: str
    phases: dict[str, int]

    @classmethod
    def with_margin(cls, what: str, phases: dict[str, int]) -> Estimate:
        """An estimate from a model's phase peaks: each times MARGIN, plus SLACK."""
        return cls(what, {k: int(MARGIN * v) + SLACK for k, v in phases.items()})

    @property
    def bytes(self) -> int:
        return max(self.phases.values())


def size_text(n: float) -> str:
    """Bytes for reading: 512 B, 1.5 KiB, 20.0 GiB, 7.3e+04 TiB."""
    if n < 1024:
        return f"{int(n)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if n < 1e5 else f"{n:.1e} {unit}"
    raise AssertionError("unreachable")


def parse_size(text: str, name: str) -> int:
    """``500M``, ``2G``, ``1.5T`` (powers of 1024) -> bytes; :class:`InputError` otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([KMGT])i?B?\s*", str(text), re.IGNORECASE)
    value = float(match[1]) * UNITS[match[2].upper()] if match else 0.0
    if not match or not (math.isfinite(value) and value >= 1):
        raise InputError(
            f"{name} must be a size such as 500M or 2G (K, M, G, T: powers of 1024), got {text!r}"
        )
    return int(value)


# --------------------------------------------------------------------------- budgets


def cgroup_limit(
    root: Path = Path("/sys/fs/cgroup"), membership: Path = Path("/proc/self/cgroup")
) -> int | None:
    """This process's cgroup memory limit in bytes (v2 ``memory.max``, v1
    ``memory.limit_in_bytes``), or None if it has none; ``membership`` lists its cgroups."""
    candidates = [root / "memory.max"]
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            candidates.append(root / path.lstrip("/") / "memory.max")
        elif "memory" in controllers.split(","):
            candidates.append(root / "memory" / path.lstrip("/") / "memory.limit_in_bytes")
            candidates.append(root / "memory" / "memory.limit_in_bytes")
    limits = []
    for path in candidates:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:  # "max" (v2), ~2^63 (v1): no limit
            limits.append(int(text))
    return min(limits) if limits else None


def _address_space_left() -> int | None:
    """RLIMIT_AS minus the address space in use, or None without such a limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    used = 0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                used = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return max(0, soft - used)


def memory_limit() -> tuple[int, str]:
    """The most memory this process may use, and which limit that is."""
    limits = [(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "this machine's memory")]
    cgroup = cgroup_limit()
    if cgroup is not None:
        limits.append((cgroup, "the cgroup's memory limit"))
    left = _address_space_left()
    if left is not None:
        limits.append((left, "the address space RLIMIT_AS leaves"))
    return min(limits)


def budget(max_memory: str | None = None, name: str = "--max-memory") -> Budget:
    """The budget ``max_memory`` (a size, :func:`parse_size`), or by default
    DEFAULT_FRACTION of :func:`memory_limit`; ``name`` is the option or config key."""
    if max_memory is not None:
        return Budget(parse_size(max_memory, name), f"{name} {max_memory}")
    limit, what = memory_limit()
    share = f"{DEFAULT_FRACTION:.0%} of {size_text(limit)}, {what}; {name} to change"
    return Budget(int(DEFAULT_FRACTION * limit), share)


def check(estimate: Estimate, limit: Budget) -> None:
    """Raise :class:`InputError` (one line: settings, estimate, limit) if over budget."""
    if estimate.bytes > limit.bytes:
        raise InputError(
            f"{estimate.what} needs about {size_text(estimate.bytes)} of memory, over the "
            f"limit of {size_text(limit.bytes)} ({limit.source})"
        )


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_workers(workers: int) -> None:
    """Raise :class:`InputError` unless 1 <= ``workers`` <= :func:`cpu_count`."""
    cpus = cpu_count()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be an integer >= 1, got {workers!r}")
    if workers > cpus:
        raise InputError(
            f"workers must be an integer from 1 to {cpus} (the CPUs this process may use), "
            f"got {workers!r}"
        )


# --------------------------------------------------------------------------- estimates
#
# Notation: B training sequences of length <= L, D weights per trial, U <= H + 1
# state arrays per trial-sequence pair, T trials in a block, c sequences in a
# chunk.  Bytes per element: float64 8, int64/intp 8, bool 1.


def largest_block(max_trials: int, block: int = SEARCH_BLOCK) -> int:
    """The most trials the engine draws at once: blocks double from SEARCH_FIRST_BLOCK."""
    size, done, largest = min(SEARCH_FIRST_BLOCK, block), 0, 0
    while done < max_trials:
        count = min(size, max_trials - done)
        largest, done = max(largest, count), done + count
        if size == block:
            break
        size = min(2 * size, block)
    return largest


def _data_bytes(spec: SearchSpec, count: int, n: int, enumerated: bool = False) -> tuple[int, int]:
    """(peak while drawing, kept) bytes of ``count`` sequences of length ``n`` for ``spec``
    (``enumerated``: all 2^n, ``sample_size="all"``).

    Reference, sampled: ``rng.choice`` holds an int64 index array and the int64
    result, then ``Dataset.from_bits`` the int64 bits and the float64 inputs: 16
    bytes per bit.  ``all``: up to three int64 temporaries per bit.  Paper
    (``paper_set``): int64 bits, a mask, float64 inputs, the noise and its sum (or
    an int64 temporary, ``np.where``, the transposed copy): 33 bytes per bit of the
    longest length, 36 counted.
    """
    if spec.protocol == "paper":
        bits = count * paper_length_range(n)[1]
        return 36 * bits + 32 * count, 8 * bits + 16 * count
    bits = count * n
    return (24 if enumerated else 16) * bits + 16 * count, 8 * bits + 16 * count


def _training(spec: SearchSpec) -> tuple[int, int, tuple[int, int]]:
    """(sequences, longest length, (peak while drawing, kept bytes)) of the training set."""
    enumerated = spec.sample_size == "all"
    count = 2**spec.n if enumerated else spec.sample_size
    longest = paper_length_range(spec.n)[1] if spec.protocol == "paper" else spec.n
    return count, longest, _data_bytes(spec, count, spec.n, enumerated)


def _reachable(units: int, trials: int, cap: int) -> int:
    """:func:`rsparity.automaton.reachable` for ``trials`` trials and ``cap`` states:
    the values, candidates, keys, sort order and repeated states, ~16 float64 arrays of
    (units, trials, cap), and ~8 intp/bool arrays of (trials, 3 cap)."""
    return 8 * trials * cap * (16 * units + 8)


def _final_states(trials: int, cap: int, rows: int) -> int:
    """:func:`rsparity.automaton.final_states` on ``rows`` sequences: building the tables
    takes up to four intp (trials, cap, 32) arrays, running the sequences keeps two and
    adds up to five intp (trials, rows) (states, indices, a ragged tail's temporaries)."""
    table = 8 * trials * cap * 32
    return max(4 * table, 2 * table + 5 * 8 * trials * rows)


def _single_trial(units: int, length: int, count: int, cap: int) -> int:
    """One trial scored on ``count`` sequences of ``length`` (``Architecture.correct``):
    the +-1 check (a float64 copy, a mask and the gathered inputs: 17 bytes per input),
    the automaton (its sign bits: 1 byte), and the time loop's states if it falls back."""
    automaton = _reachable(units, 1, cap) + _final_states(1, cap, count)
    return 18 * length * count + automaton + 24 * units * count


def _block(units: int, weights: int, trials: int, length: int, count: int, chunk: int) -> int:
    """Scanning one block (``engine.scan_block``): the draws, their copy for the alive
    trials, the weights prepared for broadcasting (twice: the step and the read-out,
    ~128 bytes of array object each), the time loop's three state sets and verdicts;
    or, once one trial survives a chunk, that trial on a chunk of sequences.  The
    compiled kernel adds the weights side by side (plus a column) and, once per data
    set, its inputs transposed with a symbol per input (9 bytes per input)."""
    kernel = 8 * trials * (weights + 1) + 9 * length * count
    params = 4 * 8 * trials * weights + 2 * 128 * weights + kernel
    states = (3 * units + 4) * 8 * max(trials, chunk)
    last = _single_trial(units, length, min(chunk, count), SOLVER_STATE_CAP)
    return params + max(states, last)


def _record(weights: int) -> int:
    """The solver's weights as JSON: Python floats in lists and the text (~70 bytes each)."""
    return 70 * weights


def _evaluation(spec: SearchSpec, units: int) -> tuple[int, int, int]:
    """(peak while drawing, kept, scoring) bytes of the held-out sets of a solver."""
    if spec.protocol == "paper":
        sets = [(spec.sample_size, spec.n), (PAPER_LONG_SIZE, LONG_FACTOR * spec.n)]
        longest = [paper_length_range(n)[1] for _, n in sets]
    else:
        sets = [(HELDOUT_SIZE, spec.n), (LONG_SIZE, LONG_FACTOR * spec.n)]
        longest = [n for _, n in sets]
    drawn = [_data_bytes(spec, count, n) for count, n in sets]
    kept = sum(k for _, k in drawn)
    peak = max(drawn[0][0], drawn[0][1] + drawn[1][0])
    scoring = max(
        _single_trial(units, length, min(count, ACCURACY_CHUNK), SOLVER_STATE_CAP)
        for (count, _), length in zip(sets, longest, strict=True)
    )
    return peak, kept, scoring


def _settings(spec: SearchSpec) -> str:
    params = spec.as_params()
    keys = [k for k in ("arch", "n", "hidden", "sample_size", "max_trials") if k in params]
    return " ".join(f"{k}={params[k]}" for k in keys)


def search_estimate(spec: SearchSpec, workers: int = 1) -> Estimate:
    """Peak memory of ``rsparity.engine.search(spec, workers=workers)`` and of the
    result record (the solver's held-out accuracies), beyond the interpreter.

    With several workers every worker process scans its own blocks; the training set
    is shared (fork, copy-on-write).
    """
    arch = get_architecture(spec.arch)
    units, weights = spec.hidden + 1, arch.n_weights(spec.hidden)
    count, longest, (drawing, kept) = _training(spec)
    trials = largest_block(spec.max_trials)
    block = _block(units, weights, trials, longest, count, SEARCH_CHUNK_PAIRS)
    held_drawing, held_kept, scoring = _evaluation(spec, units)
    what = f"search {_settings(spec)}" + (f" workers={workers}" if workers > 1 else "")
    return Estimate.with_margin(
        what,
        {
            "training set": drawing,
            "search": kept + workers * block,
            "held-out sets": kept + max(held_drawing, held_kept + scoring) + _record(weights),
        },
    )


def trace_estimate(spec: SearchSpec, every: int = 1) -> Estimate:
    """Peak memory of ``rsparity.trace.trace_search(spec, every)`` beyond the interpreter:
    the training set, a block of TRACE_BLOCK trials scored on all sequences (the time
    loop, or from TRACE_AUTOMATON_MIN_SEQUENCES sequences on the automaton with its
    chunked table runs), and the sampled trials as Python lists (and their JSON: ~100
    bytes per sampled trial)."""
    count, _, (drawing, kept) = _training(spec)
    scoring = _counts_block(spec, min(TRACE_BLOCK, spec.max_trials))
    lists = 100 * (spec.max_trials // every + 1) + 16 * count
    return Estimate.with_margin(
        f"trace {_settings(spec)}",
        {"training set": drawing, "trace": kept + scoring + lists},
    )


def _counts_block(spec: SearchSpec, trials: int, cap: int = TRACE_STATE_CAP) -> int:
    """``rsparity.trace.params_counts`` on ``trials`` trials and the whole training set:
    their weights, then the time loop's groups or the automaton with its chunked table runs."""
    arch = get_architecture(spec.arch)
    units, weights = spec.hidden + 1, arch.n_weights(spec.hidden)
    count, longest, _ = _training(spec)
    loop = (3 * units + 4) * 8 * LOOP_GROUP_ELEMENTS + 4 * 8 * trials * weights
    rows = min(count, max(1, TRACE_AUTOMATON_PAIRS // trials))
    automaton = (
        _reachable(units, trials, cap)
        + _final_states(trials, cap, rows)
        + longest * rows
        + 9 * trials * count
        if count >= TRACE_AUTOMATON_MIN_SEQUENCES
        else 0
    )
    return max(loop, automaton)


def basin_estimate(spec: SearchSpec, grid: int, block: int, cap: int) -> Estimate:
    """Peak memory of one weight-space slice (``rsparity.basin.basin_slice``) beyond the
    interpreter: the training set, a block of ``block`` grid points scored like a trace
    block with up to ``cap`` automaton states each (plus the tiled draws), the grid's
    counts (int64, then ~40 bytes per point as Python ints in lists and JSON text) and
    its figure (the animation's fixed canvas allowance and a few float64 copies of the
    grid)."""
    _, _, (drawing, kept) = _training(spec)
    weights = get_architecture(spec.arch).n_weights(spec.hidden)
    points = grid * grid
    trials = min(block, points)
    scoring = _counts_block(spec, trials, cap) + 8 * trials * weights
    results = 48 * points
    figure = GIF_FIXED_BYTES + 5 * 8 * points
    return Estimate.with_margin(
        f"basin slice {_settings(spec)} grid={grid}",
        {"training set": drawing, "slice": kept + scoring + results, "figure": figure + results},
    )


def gif_estimate(frames: int) -> Estimate:
    """Peak memory of the search animation: its frames (a list, then stacked) and the
    GIF encoder's copies (four frame-sized arrays each; measured: 3.5), plus the figure."""
    gif = 4 * frames * GIF_FRAME_BYTES + GIF_FIXED_BYTES
    return Estimate.with_margin(f"search animation gif_frames={frames}", {"gif": gif})
