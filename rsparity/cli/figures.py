"""``rsparity visualize`` (the four static panels) and ``rsparity gif`` (the search
animation): the reference's ``visualize_rs_parity.py`` and ``make_rs_parity_gif.py``.

Both take the code path of the workflow's figure rules (``workflow/rules/figures.smk``):
the search's record and its trace (:func:`rsparity.trace.trace_search`), then
:func:`rsparity.panels.draw_panels` or :func:`rsparity.animation.search_gif`, so the
defaults write the workflow's headline figures byte for byte.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .. import limits
from ..trace import DEFAULT_EVERY, trace_search
from .options import add_search_flags, fill_defaults, integer_in, search_spec
from .output import check_dir, check_file, replacing

TRACE_EVERY = DEFAULT_EVERY
"""The trace's subsample by default: the workflow's ``trace_every`` default (tested)."""
GIF_FRAMES = (1, 1000, 60)
"""Allowed and default ``--frames``: the workflow's ``gif_frames`` (tested)."""


def add_commands(sub, solve: Callable, progress: Callable) -> None:
    """Add ``visualize`` and ``gif``; ``solve`` runs a search (printing its headline),
    ``progress(label, unit)`` gives a terminal progress line (``rsparity.cli``)."""
    v = sub.add_parser(
        "visualize",
        help="the search, its trace and the four panels (curve, histogram, Hinton, trajectories)",
        fill=fill_defaults,
    )
    add_search_flags(v)
    v.add_argument(
        "--every",
        type=integer_in(1),
        default=TRACE_EVERY,
        help="trace subsample: trial 1 and every k-th trial (the workflow's trace_every)",
    )
    v.add_argument(
        "--out",
        metavar="DIR",
        default="figures",
        help="directory for the PNGs (created if missing; its parent must exist)",
    )
    v.set_defaults(run=partial(run_visualize, solve=solve, progress_line=progress))
    g = sub.add_parser(
        "gif",
        help="the search animation: best-so-far curve, score histogram, current best weights",
        fill=fill_defaults,
    )
    add_search_flags(g, workers=False)
    low, high, default = GIF_FRAMES
    g.add_argument(
        "--frames",
        type=integer_in(low, high),
        default=default,
        help=f"frames, at log-spaced trials ({low} to {high}; the workflow's gif_frames)",
    )
    g.add_argument("--out", metavar="PATH", default="search.gif", help="the GIF (atomically)")
    g.set_defaults(run=partial(run_gif, progress_line=progress))


def run_visualize(args: argparse.Namespace, solve: Callable, progress_line: Callable) -> int:
    from ..panels import PANELS, draw_panels, drawable

    spec = search_spec(args)
    limits.check_workers(args.workers)
    budget = limits.budget(args.max_memory)
    limits.check(limits.search_estimate(spec, args.workers), budget)
    limits.check(limits.trace_estimate(spec, args.every), budget)
    check_dir(args.out, "--out")
    record = solve(spec, args.workers)
    with progress_line("trace up to the first solver", "trials") as progress:
        trace = trace_search(spec, every=args.every, progress=progress)
    out = Path(args.out)
    created = not out.is_dir()
    out.mkdir(exist_ok=True)
    names = drawable(record)
    try:
        with (
            replacing({name: out / f"{name}.png" for name in names}) as paths,
            progress_line("panels", "panels") as progress,
        ):
            for i, name in enumerate(names):  # one at a time for the progress line
                draw_panels(record, trace, {name: paths[name]})
                if progress is not None:
                    progress(i + 1, len(names))
    except BaseException:
        if created:
            out.rmdir()
        raise
    files = ", ".join(f"{name}.png" for name in names)
    if len(names) == len(PANELS):
        print(f"# {len(names)} panels in {out}/: {files}")
    else:
        skipped = ", ".join(f"{n}.png" for n in PANELS if n not in names)
        print(f"# not solved: {files} in {out}/; no solver, so no {skipped}")
    return 0


def run_gif(args: argparse.Namespace, progress_line: Callable) -> int:
    from ..animation import search_gif
    from ..engine import open_stream

    spec = search_spec(args)
    budget = limits.budget(args.max_memory)
    limits.check(limits.trace_estimate(spec, TRACE_EVERY), budget)
    limits.check(limits.gif_estimate(args.frames), budget)
    check_file(args.out, "--out")
    with progress_line("trace up to the first solver", "trials") as progress:
        trace = trace_search(spec, every=TRACE_EVERY, progress=progress)
    stream = open_stream(spec)
    with replacing({"gif": args.out}) as paths, progress_line("frames", "frames") as progress:
        search_gif(
            trace,
            lambda k: stream.arch.record(stream.params(k, 1)),
            paths["gif"],
            frames=args.frames,
            progress=progress,
        )
    end = (
        f"the solver, trial {trace['trials']:,}"
        if trace["solved"]
        else (f"trial {trace['trials']:,} (not solved)")
    )
    print(f"# {args.out}: {args.frames} frames up to {end}")
    return 0
