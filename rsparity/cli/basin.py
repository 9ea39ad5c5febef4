"""``rsparity basin``: the solver's basin in a 2-D slice of weight space, drawn by
:func:`rsparity.basin.basin_command` (imported when the command runs)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

from .. import limits
from .options import add_search_flags, fill_defaults, integer_in, search_spec
from .output import check_file

GRID = (3, 401, 101)
"""Allowed and default ``--grid``: points per axis of the slice."""


def add_command(sub, progress: Callable) -> None:
    """Add ``basin``; ``progress(label, unit)`` gives a terminal progress line."""
    b = sub.add_parser(
        "basin",
        help="the solver's and a non-solver's neighbourhood in a 2-D weight slice",
        fill=fill_defaults,
    )
    add_search_flags(b, workers=False)
    low, high, default = GRID
    b.add_argument(
        "--grid",
        type=integer_in(low, high),
        default=default,
        help=f"grid points per axis of the slice ({low} to {high})",
    )
    b.add_argument("--out", metavar="PATH", default="basin.png", help="the PNG (atomically)")
    b.set_defaults(run=partial(run_basin, progress_line=progress))


def run_basin(args: argparse.Namespace, progress_line: Callable) -> int:
    from ..basin import basin_command

    spec = search_spec(args)
    limits.check(limits.search_estimate(spec), limits.budget(args.max_memory))
    check_file(args.out, "--out")
    with progress_line("basin", "grid points") as progress:
        line = basin_command(spec, args.out, args.grid, progress=progress)
    print(line)
    return 0
