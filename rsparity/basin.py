"""The basin, drawn: search a spec, slice weight space through its solver and a
non-solver (:mod:`rsparity.slices`), draw both (:mod:`rsparity.basin_figure`).

The reference README asks "what fraction of [-r, r]^d is a solver? is the basin
really N-independent?"; the scaling study answers with a number, p(N)
(:mod:`rsparity.stats`).  :func:`basin_command` (``rsparity basin``) shows one
search's answer as a picture.  The slice functions are re-exported here.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from . import limits
from .atomic import TEMP_SUFFIX
from .engine import search
from .errors import InputError
from .slices import (
    Progress,
    basin_slice,
    check_grid,
    first_nonsolver,
    read_slice,
    record_slice,
    slice_estimate,
    solver_area,
    write_slice,
)
from .spec import SearchSpec

__all__ = [
    "basin_command",
    "basin_slice",
    "read_slice",
    "record_slice",
    "solver_area",
    "write_slice",
]


def basin_command(spec: SearchSpec, out: str, grid: int, progress: Progress | None = None) -> str:
    """Search ``spec``, slice through its solver and its stream's first non-solver at
    spec's N, draw both (:func:`rsparity.basin_figure.slices_figure`) to the PNG ``out``
    (atomically) and return a one-line summary.  Unsolved: the non-solver slice only.

    ``progress(done, total)`` counts grid points over both slices.  Bad ``grid``, an
    unwritable ``out`` or a slice over the memory budget: :class:`InputError`, before
    any work.
    """
    from .basin_figure import slices_figure  # matplotlib only when drawing

    check_grid(grid)
    target = Path(out).absolute()
    if target.is_dir() or not target.parent.is_dir():
        raise InputError(f"out path {out!r} must be a file in an existing directory")
    limits.check(slice_estimate(spec, grid), limits.budget())
    outcome = search(spec)
    stream = outcome.stream
    solver = outcome.trials if outcome.solved else None
    centres = [solver] if solver else []
    centres.append(first_nonsolver(stream, solver))
    total = len(centres) * grid * grid
    slices = []
    for k, trial in enumerate(centres):
        step = None
        if progress:
            step = lambda done, _, base=k * grid * grid: progress(base + done, total)  # noqa: E731
        slices.append(basin_slice(spec, stream.draws(trial, 1)[0], grid, progress=step))
    areas = [solver_area(s) for s in slices]
    names = " x ".join(slices[0]["pair"]["names"])
    parts = [f"{names} slice ({grid} x {grid}, N={spec.n})"]
    if solver:
        parts.append(f"solver (trial {solver}): {_pct(areas[0])} of the slice solves")
    else:
        parts.append(f"no solver in {spec.max_trials} trials: non-solver slice only")
    parts.append(f"non-solver (trial {centres[-1]}): {_pct(areas[-1])}")
    titles = [f"solver (trial {solver})"] if solver else []
    titles.append(f"non-solver (trial {centres[-1]})")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    try:  # a temp name beside ``out``, then rename (as rsparity.atomic.write_text)
        slices_figure(list(zip(titles, slices, strict=True)), tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return "; ".join(parts)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.2f} %" if math.isfinite(fraction) else "n/a"
