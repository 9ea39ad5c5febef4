"""What the subcommands share: the parser, value types, the search flags with each
protocol's defaults, and the :class:`SearchSpec` they build."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from .. import limits
from ..data import VARIANTS
from ..errors import InputError
from ..nets import ARCHITECTURES, allowed_names, get_architecture
from ..spec import DEFAULTS, SearchSpec

PROTOCOL_OPTIONS = ("n", "hidden", "weight_scale", "sample_size", "max_trials")
"""Search flags whose default depends on the arch's protocol (None until filled)."""
PAPER_SETTINGS: dict[str, Any] = {
    "n": 500,
    "weight_scale": 100.0,
    "sample_size": 100,
    "hidden": {"A1": 1, "A2": 10, "A2noself": 10},
}
"""The 1996 paper's values (README references 2 and 3): lengths n..n + n // 5 = 500..600,
weights in [-100, 100], 100 training sequences, A1 with 1 hidden unit, A2 with 10;
the rest as in ``spec.DEFAULTS``."""


def protocol_defaults(arch: str) -> dict[str, Any]:
    """The defaults of ``PROTOCOL_OPTIONS`` for ``arch``: its protocol's settings."""
    defaults = {k: DEFAULTS[k] for k in PROTOCOL_OPTIONS}
    if get_architecture(arch).protocol == "paper":
        paper = {**PAPER_SETTINGS, "hidden": PAPER_SETTINGS["hidden"].get(arch, DEFAULTS["hidden"])}
        defaults.update(paper)
    return defaults


def fill_defaults(args: argparse.Namespace) -> None:
    """Set every unset ``PROTOCOL_OPTIONS`` flag to the default of ``args.arch``'s protocol
    (an unknown arch gets the reference defaults; :class:`SearchSpec` then names it)."""
    try:
        defaults = protocol_defaults(args.arch)
    except InputError:
        defaults = {k: DEFAULTS[k] for k in PROTOCOL_OPTIONS}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)


class Parser(argparse.ArgumentParser):
    """argparse, but every error is one line on stderr and exit code 2; ``fill`` (if
    given) completes the parsed namespace, e.g. :func:`fill_defaults`."""

    def __init__(self, *args, fill: Callable[[argparse.Namespace], None] | None = None, **kw):
        kw.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kw)
        self.fill = fill

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_known_args(self, args=None, namespace=None):
        namespace, rest = super().parse_known_args(args, namespace)
        if self.fill is not None:
            self.fill(namespace)
        return namespace, rest


class Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: ...)`` for every option with a fixed default; options whose
    default depends on the protocol (None) say so in their own help."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or "default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action)


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def integer_in(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (no upper bound if None)."""
    allowed = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        return value

    return parse


def _sample_size(text: str) -> int | str:
    return "all" if text == "all" else integer(text)


def _names(protocol: str) -> str:
    return ", ".join(n for n, a in ARCHITECTURES.items() if a.protocol == protocol)


def _default(key: str, shown: Callable[[Any], str] = str) -> str:
    """``default 50, paper nets 500``: the reference default and the paper's, if different."""
    text = f"default {shown(DEFAULTS[key])}"
    paper = PAPER_SETTINGS.get(key)
    if isinstance(paper, dict):
        text += ", paper nets " + ", ".join(f"{a} {h}" for a, h in paper.items())
    elif paper is not None and paper != DEFAULTS[key]:
        text += f", paper nets {shown(paper)}"
    return text


PROTOCOL_NOTE = (
    "Defaults follow the arch's protocol: reference nets ({ref}) run the reference README's "
    "settings, paper nets ({paper}) the 1996 paper's; an explicit flag always wins."
)


def add_search_flags(parser: argparse.ArgumentParser, workers: bool = True) -> None:
    """The flags that define a search (and ``--max-memory``; ``--workers`` if the command
    runs the engine's search)."""
    parser.description = PROTOCOL_NOTE.format(ref=_names("reference"), paper=_names("paper"))
    d = DEFAULTS
    parser.add_argument("--seed", type=integer, default=d["seed"], help="RNG seed (>= 0)")
    parser.add_argument(
        "--n",
        type=integer,
        help=f"sequence length N (>= 1; paper nets: lengths N..N + N/5); {_default('n')}",
    )
    parser.add_argument(
        "--hidden", type=integer, help=f"hidden units H (>= 1); {_default('hidden')}"
    )
    parser.add_argument(
        "--weight-scale",
        type=number,
        help=f"weights ~ U[-r, r], r > 0; {_default('weight_scale', '{:g}'.format)}",
    )
    parser.add_argument(
        "--sample-size",
        type=_sample_size,
        help="training sequences (>= 1), or 'all' for all 2^N (N <= 22, reference nets); "
        + _default("sample_size"),
    )
    parser.add_argument(
        "--max-trials", type=integer, help=f"give up after this many; {_default('max_trials')}"
    )
    parser.add_argument("--arch", default=d["arch"], help=f"architecture: {allowed_names()}")
    parser.add_argument(
        "--order",
        default=d["order"],
        help="paper archs: unit update order within a step, layered (input -> hidden -> output)"
        " or sync (all units from the previous step; cannot solve with --readout last)",
    )
    parser.add_argument(
        "--readout",
        default=d["readout"],
        help="paper archs: read the output after the last input (last) or one more "
        "step with input 0 (extra)",
    )
    parser.add_argument(
        "--noise",
        type=number,
        default=d["noise"],
        help="paper archs: uniform input noise amplitude in [0, 1), drawn once per data set",
    )
    parser.add_argument(
        "--variant",
        default=d["variant"],
        help="paper archs: one detail the paper leaves open, e.g. no_hidden_self or inputs01"
        f" (allowed: {', '.join(VARIANTS)})",
    )
    if workers:
        parser.add_argument(
            "--workers",
            type=integer,
            default=1,
            help=f"processes for one search, 1 to the CPU count ({limits.cpu_count()} here)",
        )
    parser.add_argument(
        "--max-memory",
        metavar="SIZE",
        help="refuse a job estimated to need more memory, e.g. 500M or 4G (default: "
        f"{limits.DEFAULT_FRACTION:.0%}% of the memory this process may use)",
    )


def search_spec(args: argparse.Namespace) -> SearchSpec:
    """The validated spec of the search flags (:func:`add_search_flags`) in ``args``."""
    fill_defaults(args)
    return SearchSpec(
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
