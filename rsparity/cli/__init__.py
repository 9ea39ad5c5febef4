"""Command line (``rsparity ...``, also ``python -m rsparity ...``): ``search``, the
reference's other two programs ``visualize`` (the four static panels) and ``gif`` (the
search animation), ``basin`` and ``gradient``.

This module holds the search itself and the dispatch; each other command family has its
module (:mod:`.figures`, :mod:`.basin`, :mod:`.gradient`), which gets :func:`solve` and
:func:`progress_line` from here (no import back: no cycle).  Plotting libraries and JAX
are imported only when a command needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from importlib import metadata

from .. import __version__, limits
from ..atomic import write_json
from ..engine import search
from ..errors import InputError
from ..protocols import evaluation_sets
from ..record import build_record
from ..spec import SearchSpec
from . import basin, figures, gradient
from .options import Parser, add_search_flags, fill_defaults, search_spec
from .output import check_file
from .progress import PROGRESS_AFTER_S, ProgressLine, _ProgressLine

__all__ = ["PROGRESS_AFTER_S", "ProgressLine", "build_parser", "main", "progress_line", "solve"]


@contextlib.contextmanager
def progress_line(label: str, unit: str) -> Iterator[ProgressLine | None]:
    """A :class:`ProgressLine` on stderr if it is a terminal (else None), ended on exit."""
    line = ProgressLine(sys.stderr, label, unit, PROGRESS_AFTER_S) if sys.stderr.isatty() else None
    try:
        yield line
    finally:
        if line is not None:
            line.close()


def solve(spec: SearchSpec, workers: int) -> dict:
    """Run the search (a progress line on a terminal), print its headline lines, and
    return its result record."""
    progress = _ProgressLine(sys.stderr, PROGRESS_AFTER_S) if sys.stderr.isatty() else None
    try:
        outcome = search(spec, workers=workers, progress=progress)
    finally:
        if progress:
            progress.close()
    record = build_record(spec, outcome)
    wall = outcome.wallclock_s
    if outcome.solved:
        print(f"# SOLVED in {outcome.trials} trials ({wall:.2f}s wallclock)")
        for key, (_, what) in evaluation_sets(spec).items():
            label = "held-out sample acc" if key == "heldout_accuracy" else "held-out long acc"
            print(f"# {label} ({what}): {100 * record[key]:.2f}%")
    else:
        print(f"# NOT SOLVED within {spec.max_trials} trials ({wall:.2f}s wallclock)")
    return record


def run_search(args: argparse.Namespace) -> int:
    spec = search_spec(args)
    limits.check_workers(args.workers)
    limits.check(limits.search_estimate(spec, args.workers), limits.budget(args.max_memory))
    if args.json:
        check_file(args.json, "--json")
    record = solve(spec, args.workers)
    if args.json:
        try:
            write_json(record, args.json)
        except OSError as err:
            raise InputError(f"--json path {args.json!r}: cannot write it: {err}") from None
    return 0


def _version() -> str:
    try:
        return metadata.version("rsparity")
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="rsparity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"rsparity {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    s = sub.add_parser(
        "search", help="random-weight search for a parity-solving net", fill=fill_defaults
    )
    add_search_flags(s)
    s.add_argument(
        "--json",
        metavar="PATH",
        help="write the result record here (atomically); default: not written",
    )
    s.set_defaults(run=run_search)
    figures.add_commands(sub, solve=solve, progress=progress_line)
    basin.add_command(sub, progress=progress_line)
    gradient.add_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; the exit code: 0, or 2 after a one-line error
    (bad input, over the memory limit, out of memory anyway), 130 on Ctrl-C."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as err:
        print(f"rsparity: error: {err}", file=sys.stderr)
        return 2
    except MemoryError:
        print(
            "rsparity: error: out of memory although the estimate fit --max-memory; "
            "give a lower --max-memory, or smaller --n, --sample-size or --hidden",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("rsparity: interrupted (no result written)", file=sys.stderr)
        return 130
