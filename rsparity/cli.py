"""Command line: ``rsparity search ...`` and ``rsparity gradient ...`` (also ``python -m
rsparity ...``).  JAX is imported only when the gradient subcommand runs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from . import limits
from .atomic import check_writable, write_json
from .data import VARIANTS
from .engine import search
from .errors import InputError
from .nets import allowed_names
from .protocols import evaluation_sets
from .record import build_record
from .spec import DEFAULTS, SearchSpec

PROGRESS_AFTER_S = 1.0


class _Parser(argparse.ArgumentParser):
    """argparse, but every error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _sample_size(text: str) -> int | str:
    return "all" if text == "all" else _int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rsparity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("search", help="random-weight search for a parity-solving net")
    d = DEFAULTS
    s.add_argument("--seed", type=_int, default=d["seed"], help="RNG seed (>= 0)")
    s.add_argument("--n", type=_int, default=d["n"], help="sequence length N (>= 1)")
    s.add_argument("--hidden", type=_int, default=d["hidden"], help="hidden units H (>= 1)")
    s.add_argument(
        "--weight-scale", type=_float, default=d["weight_scale"], help="weights ~ U[-r, r], r > 0"
    )
    s.add_argument(
        "--sample-size",
        type=_sample_size,
        default=d["sample_size"],
        help="training sequences (>= 1), or 'all' for all 2^N (N <= 22)",
    )
    s.add_argument(
        "--max-trials", type=_int, default=d["max_trials"], help="give up after this many"
    )
    s.add_argument("--arch", default=d["arch"], help=f"architecture: {allowed_names()}")
    s.add_argument(
        "--order",
        default=d["order"],
        help="paper archs: unit update order within a step, layered (default: input ->"
        " hidden -> output) or sync (all units from the previous step; cannot solve with"
        " --readout last)",
    )
    s.add_argument(
        "--readout",
        default=d["readout"],
        help="paper archs: read the output after the last input (last) or one more "
        "step with input 0 (extra); default last",
    )
    s.add_argument(
        "--noise",
        type=_float,
        default=d["noise"],
        help="paper archs: uniform input noise amplitude in [0, 1), drawn once per data set",
    )
    s.add_argument(
        "--variant",
        default=d["variant"],
        help="paper archs: one detail the paper leaves open, e.g. no_hidden_self or inputs01"
        f" (allowed: {', '.join(VARIANTS)}; default {d['variant']})",
    )
    s.add_argument(
        "--workers",
        type=_int,
        default=1,
        help=f"processes for one search, 1 to the CPU count ({limits.cpu_count()} here)",
    )
    s.add_argument(
        "--max-memory",
        metavar="SIZE",
        help="refuse a search estimated to need more memory, e.g. 500M or 4G (default: "
        f"{limits.DEFAULT_FRACTION:.0%} of the memory this process may use)",
    )
    s.add_argument("--json", metavar="PATH", help="write the result record here (atomically)")
    _add_gradient(sub)
    return parser


def _batch(text: str) -> int | str:
    return "full" if text == "full" else _int(text)


GRADIENT_OPTIONS = ("net", "hidden", "n", "method", "lr", "regime", "init", "batch", "restarts")


def _add_gradient(sub) -> None:
    """``rsparity gradient``; unset options take GradientSpec's defaults (not imported here:
    that would import JAX)."""
    g = sub.add_parser("gradient", help="gradient-descent training of one cell, all restarts")
    g.add_argument("--net", help="full, A1, A2 or lstm (default full)")
    g.add_argument("--hidden", type=_int, help="hidden units H (>= 1, default 2)")
    g.add_argument("--n", type=_int, help="sequence length N (1..2000, default 10)")
    g.add_argument("--method", help="momentum or adam (default adam)")
    g.add_argument("--lr", type=_float, help="learning rate > 0 (default 0.01)")
    g.add_argument("--regime", help="fixed (the search's training set) or variable (lengths 1..N)")
    g.add_argument("--init", help="small, glorot or search (default small)")
    g.add_argument("--batch", type=_batch, help="'full' (default) or a mini-batch size >= 1")
    g.add_argument("--restarts", type=_int, help="restarts, seeds 0..restarts-1 (default 16)")
    g.add_argument(
        "--sample-size", type=_int, help="training sequences, full and lstm (default 1024)"
    )
    g.add_argument("--budget", type=_int, required=True, help="sequence-steps per restart (>= 1)")
    g.add_argument("--out", metavar="PATH", help="write the record here (atomically), not stdout")


def run_gradient(args: argparse.Namespace) -> int:
    from .gradient.spec import GradientSpec
    from .gradient.train import train_cell

    settings = {k: getattr(args, k) for k in GRADIENT_OPTIONS if getattr(args, k) is not None}
    if args.sample_size is not None:
        settings["sample_size"] = args.sample_size
    spec = GradientSpec(**settings)
    if args.budget < 1:
        raise InputError(f"--budget must be an integer >= 1, got {args.budget!r}")
    if args.out:
        try:
            check_writable(args.out)
        except InputError as err:
            raise InputError(str(err).replace("--json", "--out", 1)) from None
    record = train_cell(spec, args.budget)
    if not args.out:
        print(json.dumps(record, indent=1))
        return 0
    try:
        write_json(record, args.out)
    except OSError as err:
        raise InputError(f"--out path {args.out!r}: cannot write it: {err}") from None
    return 0


class _ProgressLine:
    """``# trials ... (... trials/s)`` on a terminal, once a search runs over a second."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, trials: int, elapsed: float) -> None:
        if elapsed >= PROGRESS_AFTER_S:
            rate = trials / elapsed
            self.stream.write(f"\r# {trials:,} trials, {rate:,.0f} trials/s")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def run_search(args: argparse.Namespace) -> int:
    spec = SearchSpec(
        arch=args.arch,
        n=args.n,
        hidden=args.hidden,
        weight_scale=args.weight_scale,
        sample_size=args.sample_size,
        max_trials=args.max_trials,
        seed=args.seed,
        order=args.order,
        readout=args.readout,
        noise=args.noise,
        variant=args.variant,
    )
    limits.check_workers(args.workers)
    limits.check(limits.search_estimate(spec, args.workers), limits.budget(args.max_memory))
    if args.json:
        check_writable(args.json)
    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    outcome = search(spec, workers=args.workers, progress=progress)
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
    if args.json:
        try:
            write_json(record, args.json)
        except OSError as err:
            raise InputError(f"--json path {args.json!r}: cannot write it: {err}") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; the exit code: 0, or 2 after a one-line error
    (bad input, over the memory limit, out of memory anyway), 130 on Ctrl-C."""
    args = build_parser().parse_args(argv)
    try:
        return run_gradient(args) if args.command == "gradient" else run_search(args)
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
