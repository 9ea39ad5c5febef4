"""Slices of weight space: a 2-D slice through one weight vector, scored exactly.

The scaling study answers "what fraction of [-r, r]^d is a solver?" with a
number, the solver fraction p(N) (:mod:`rsparity.stats`).  A slice shows the
shape behind it: two of a trial's D drawn weights are varied on a
``grid x grid`` grid over the search box [-r, r] (r = the spec's
weight_scale), the other D - 2 stay at the centre trial's values, and every
grid point is scored by its **training accuracy**: the exact number of the
spec's training sequences it classifies right, counted by the engine's own
scoring code (:func:`rsparity.trace.params_counts`: the time loop, or the
automaton on +-1 inputs), in blocks of ``BASIN_BLOCK`` grid points so that
memory stays bounded (:func:`rsparity.limits.basin_estimate`).

Which two weights: hidden unit 0's **input weight and bias** (``W_xh[0]`` and
``b_h[0]`` in the reference nets and A2, ``W_in[0]`` and ``b[0]`` in A1).
Every net has them at every H, no net or variant zeroes them (``bias_range_1``
rescales the drawn bias; the slice is over drawn values, like the search), and
unit 0's pre-activation is linear in both: once the units saturate (r = 30
or 100), the slice's regions of constant behaviour are bounded by nearly
straight lines ``b + x w = const`` (x = +-1), one per state the other units
can be in, so the picture shows how many such constraints a solver sits
between.  One fixed pair keeps slices comparable across N and nets.

Both axes are ``linspace(-r, r, grid)`` with the node nearest to the centre
trial's value replaced by that value, so the grid holds the centre weight
vector bit for bit (and the axes stay increasing).

Slice dict (JSON-ready; :func:`write_slice` / :func:`read_slice`)::

    schema          "rsparity-basin/1"
    params          the spec whose training set scores the slice (as_params())
    sample_size     B, the number of training sequences
    grid            points per axis
    pair            {"index": [a, b], "names": [name_a, name_b]}: the draws varied
                    (x axis: a, y axis: b)
    axes            {"x": [grid floats], "y": [grid floats]}
    centre_index    [i, j]: axes["x"][i], axes["y"][j] are the centre's values
    centre_weights  the centre's D drawn weights
    correct         grid rows (one per y value) of grid ints: training sequences right
    trial, centre   added by :func:`record_slice`: the centre's trial index and
                    "solver" / "nonsolver"

This module draws nothing (:mod:`rsparity.basin` searches, slices and draws):
the workflow's slice jobs import it alone, so a figure edit does not rerun them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import limits
from .atomic import write_text
from .engine import Stream, open_stream
from .errors import InputError
from .nets import Architecture
from .spec import SearchSpec
from .trace import correct_counts, params_counts

SCHEMA = "rsparity-basin/1"
MIN_GRID, MAX_GRID = 3, 401
BASIN_BLOCK = 256
"""Grid points scored per block (bounds memory with BASIN_STATE_CAP)."""
BASIN_STATE_CAP = 256
"""Largest reachable-state set the automaton handles per grid point: a slice through a
solver is less saturated than a typical trial (at the headline solver's N = 50 slice,
71 % of the points have more than the trace's 64 states, 1.5 % more than 256), and the
time loop costs ~3x the automaton per point at N = 50, ~7x at N = 500."""
PAIRS = (("W_xh[0]", "b_h[0]"), ("W_in[0]", "b[0]"))
"""Hidden unit 0's input weight and bias, by the nets' weight names (the first pair a net has)."""
CENTRES = ("solver", "nonsolver")
MAX_SOLVER_RUN = 1000
""":func:`first_nonsolver` gives up after this many solvers in a row (never seen)."""

Progress = Callable[[int, int], None]


def check_grid(grid: Any) -> None:
    """Raise :class:`InputError` unless ``grid`` is an integer in MIN_GRID..MAX_GRID."""
    if isinstance(grid, bool) or not isinstance(grid, int) or not MIN_GRID <= grid <= MAX_GRID:
        raise InputError(f"grid must be an integer from {MIN_GRID} to {MAX_GRID}, got {grid!r}")


def slice_estimate(spec: SearchSpec, grid: int) -> limits.Estimate:
    """Peak memory of :func:`basin_slice` for ``spec`` at ``grid`` (and of its figure)."""
    return limits.basin_estimate(spec, grid, BASIN_BLOCK, BASIN_STATE_CAP)


# --------------------------------------------------------------------------- the pair


def weight_names(arch: Architecture, hidden: int) -> list[str | None]:
    """The name of every drawn weight (``"W_hh[1,0]"``), or None for a draw the net
    overrides (e.g. ``nodiag``'s zeroed diagonal): found by unpacking the draws 1..D."""
    d = arch.n_weights(hidden)
    params = arch.unpack(np.arange(1.0, d + 1)[None, :], hidden)
    names: list[str | None] = [None] * d
    for key, values in params.items():
        for idx in np.ndindex(values.shape[1:]):
            draw = int(values[(0, *idx)])
            if draw:
                names[draw - 1] = f"{key}[{','.join(map(str, idx))}]"
    return names


def default_pair(arch: Architecture, hidden: int) -> tuple[int, int]:
    """Draw indices of hidden unit 0's input weight and bias (see the module docstring)."""
    names = weight_names(arch, hidden)
    for a, b in PAIRS:
        if a in names and b in names:
            return names.index(a), names.index(b)
    raise ValueError(f"arch {arch.name!r} has none of the weight pairs {PAIRS}")


def axis(r: float, grid: int, centre: float) -> tuple[np.ndarray, int]:
    """``linspace(-r, r, grid)`` with the node nearest ``centre`` set to it; that node."""
    values = np.linspace(-r, r, grid)
    i = int(np.argmin(np.abs(values - centre)))
    values[i] = centre
    return values, i


# --------------------------------------------------------------------------- the slice


def slice_counts(
    stream: Stream,
    centre: np.ndarray,
    pair: tuple[int, int],
    x: np.ndarray,
    y: np.ndarray,
    block: int = BASIN_BLOCK,
    progress: Progress | None = None,
) -> np.ndarray:
    """Training sequences right at every grid point: int64 (len(y), len(x)); point
    [j, i] has draw ``pair[0]`` = x[i], ``pair[1]`` = y[j], the rest from ``centre``."""
    if block < 1:
        raise ValueError("block must be >= 1")
    a, b = pair
    total = x.size * y.size
    counts = np.empty(total, dtype=np.int64)
    for lo in range(0, total, block):
        idx = np.arange(lo, min(lo + block, total))
        draws = np.tile(centre, (idx.size, 1))
        draws[:, a] = x[idx % x.size]
        draws[:, b] = y[idx // x.size]
        params = stream.arch.unpack(draws, stream.hidden)
        counts[idx] = params_counts(stream, params, cap=BASIN_STATE_CAP)
        if progress:
            progress(int(idx[-1]) + 1, total)
    return counts.reshape(y.size, x.size)


def basin_slice(
    spec: SearchSpec,
    weights: np.ndarray,
    grid: int,
    block: int = BASIN_BLOCK,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The slice (module docstring) through the drawn weights ``weights`` (D,), scored
    on ``spec``'s training set; ``progress(done, total)`` after each block."""
    check_grid(grid)
    stream = open_stream(spec)
    centre = np.asarray(weights, dtype=float)
    if centre.shape != (stream.n_weights,):
        raise InputError(
            f"weights must be {stream.n_weights} numbers (arch {spec.arch!r}, hidden "
            f"{spec.hidden}), got shape {centre.shape}"
        )
    pair = default_pair(stream.arch, spec.hidden)
    r = stream.weight_scale
    x, i = axis(r, grid, centre[pair[0]])
    y, j = axis(r, grid, centre[pair[1]])
    counts = slice_counts(stream, centre, pair, x, y, block, progress)
    names = weight_names(stream.arch, spec.hidden)
    return {
        "schema": SCHEMA,
        "params": spec.as_params(),
        "sample_size": stream.data.size,
        "grid": grid,
        "pair": {"index": list(pair), "names": [names[pair[0]], names[pair[1]]]},
        "axes": {"x": x.tolist(), "y": y.tolist()},
        "centre_index": [i, j],
        "centre_weights": centre.tolist(),
        "correct": counts.tolist(),
    }


def accuracy_grid(basin: Mapping) -> np.ndarray:
    """(grid, grid) training accuracies in [0, 1] (rows: y values)."""
    return np.asarray(basin["correct"], dtype=np.int64) / basin["sample_size"]


def solver_area(basin: Mapping) -> float:
    """Fraction of the slice's grid points that classify every training sequence."""
    counts = np.asarray(basin["correct"], dtype=np.int64)
    return float(np.mean(counts == basin["sample_size"]))


def centre_correct(basin: Mapping) -> int:
    """Training sequences the centre weight vector gets right (its grid point)."""
    i, j = basin["centre_index"]
    return int(basin["correct"][j][i])


# --------------------------------------------------------------------------- centres


def first_nonsolver(stream: Stream, solver: int | None) -> int:
    """The stream's first trial that is not a solver: trial 1, unless trial 1 is the
    (first) solver; then the first later trial scoring below 100 % (exact counts)."""
    if solver != 1:
        return 1  # every trial before the first solver is a non-solver
    for k in range(2, 2 + MAX_SOLVER_RUN):
        if correct_counts(stream, k, 1)[0] < stream.data.size:
            return k
    raise ValueError(f"trials 1..{1 + MAX_SOLVER_RUN} all solve")


def record_slice(record: Mapping, centre: str, n: int, grid: int) -> dict[str, Any]:
    """The slice through a search record's solver (``centre="solver"``) or its stream's
    first non-solver (``"nonsolver"``), scored on the training set of the record's
    settings with sequence length ``n`` (same seed and protocol).

    The centre is re-drawn from the trial stream; a solver's draws must reproduce the
    record's weights exactly (else the record is not this stream's).
    """
    if centre not in CENTRES:
        raise InputError(f"centre must be one of {', '.join(CENTRES)}, got {centre!r}")
    spec = SearchSpec.from_params(record["params"])
    stream = open_stream(spec)
    if centre == "solver":
        if not record["solved"]:
            raise InputError(f"the search {record['params']} found no solver to slice through")
        trial = int(record["trials"])
        params = stream.params(trial, 1)
        drawn = stream.arch.record(stream.arch.effective(params, stream.data))
        if drawn != record["weights"]:
            raise ValueError(f"trial {trial} of {record['params']} is not the record's solver")
    else:
        trial = first_nonsolver(stream, int(record["trials"]) if record["solved"] else None)
    weights = stream.draws(trial, 1)[0]
    basin = basin_slice(dataclasses.replace(spec, n=n), weights, grid)
    return {**basin, "trial": trial, "centre": centre}


def write_slice(basin: Mapping, path: str | os.PathLike) -> None:
    """Write the slice as JSON (one top-level key per line, one grid row per line), atomically."""
    lines = []
    for k, v in basin.items():
        if k == "correct":
            rows = ",\n  ".join(json.dumps(row) for row in v)
            lines.append(f' "correct": [\n  {rows}\n ]')
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v)}")
    write_text("{\n" + ",\n".join(lines) + "\n}\n", path)


def read_slice(path: str | os.PathLike) -> dict:
    """Read a slice written by :func:`write_slice`; checks the schema tag."""
    basin = json.loads(Path(path).read_text())
    if basin.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} slice (schema={basin.get('schema')!r})")
    return basin
