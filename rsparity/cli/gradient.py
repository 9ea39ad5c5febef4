"""``rsparity gradient``: gradient-descent training of one cell.  Unset options take
:class:`~rsparity.gradient.spec.GradientSpec`'s defaults (not imported here: that
would import JAX)."""

from __future__ import annotations

import argparse
import json

from ..atomic import write_json
from ..errors import InputError
from ..gradient import size_xla_pool
from .options import integer, number
from .output import check_file

GRADIENT_OPTIONS = ("net", "hidden", "n", "method", "lr", "regime", "init", "batch", "restarts")


def _batch(text: str) -> int | str:
    return "full" if text == "full" else integer(text)


def add_command(sub) -> None:
    g = sub.add_parser(
        "gradient",
        help="gradient-descent training of one cell, all restarts",
        description="Trains on one XLA thread (PJRT_NPROC=1) unless PJRT_NPROC is set.",
    )
    g.add_argument("--net", help="full, A1, A2 or lstm (default full)")
    g.add_argument("--hidden", type=integer, help="hidden units H (>= 1, default 2)")
    g.add_argument("--n", type=integer, help="sequence length N (1..2000, default 10)")
    g.add_argument("--method", help="momentum or adam (default adam)")
    g.add_argument("--lr", type=number, help="learning rate > 0 (default 0.01)")
    g.add_argument(
        "--regime",
        help="fixed (the search's training set) or variable (lengths 1..N); default fixed",
    )
    g.add_argument("--init", help="small, glorot or search (default small)")
    g.add_argument("--batch", type=_batch, help="'full' (default) or a mini-batch size >= 1")
    g.add_argument("--restarts", type=integer, help="restarts, seeds 0..restarts-1 (default 16)")
    g.add_argument(
        "--sample-size", type=integer, help="training sequences, full and lstm (default 1024)"
    )
    g.add_argument(
        "--budget", type=integer, required=True, help="sequence-steps per restart (>= 1)"
    )
    g.add_argument(
        "--out", metavar="PATH", help="write the record here (atomically); default: stdout"
    )
    g.set_defaults(run=run_gradient)


def run_gradient(args: argparse.Namespace) -> int:
    size_xla_pool(1)  # one cell per process
    from ..gradient.spec import GradientSpec
    from ..gradient.train import train_cell

    settings = {k: getattr(args, k) for k in GRADIENT_OPTIONS if getattr(args, k) is not None}
    if args.sample_size is not None:
        settings["sample_size"] = args.sample_size
    spec = GradientSpec(**settings)
    if args.budget < 1:
        raise InputError(f"--budget must be an integer >= 1, got {args.budget!r}")
    if args.out:
        check_file(args.out, "--out")
    record = train_cell(spec, args.budget)
    if not args.out:
        print(json.dumps(record, indent=1))
        return 0
    try:
        write_json(record, args.out)
    except OSError as err:
        raise InputError(f"--out path {args.out!r}: cannot write it: {err}") from None
    return 0
