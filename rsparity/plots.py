"""README figures: one style, byte-identical PNGs for identical inputs.

Every function takes plain data (a trace dict from :mod:`rsparity.trace`, a
weights dict as in the result record, numpy arrays or pandas DataFrames with
the columns listed in its docstring) and an output path, and writes one PNG of
fixed pixel size (``figsize * DPI``; no tight bounding box).  Figures are built
on :class:`matplotlib.figure.Figure` with the Agg canvas, never pyplot, and
:func:`style` sets the rcParams only while a figure is drawn, so importing this
module changes no global state.  :func:`save` drops the ``Software`` PNG
metadata, the only field that could differ between otherwise identical files.

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); font sizes are chosen for figures 8 in wide shown at ~800 px.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping, Sequence

import matplotlib
import matplotlib.lines
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import fmt

DPI = 150
WIDTH = 8.0
"""Figure width in inches: 1200 px at DPI, shown at ~800 px in a README."""

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
C = OKABE_ITO
POSITIVE = C["vermillion"]
"""Hinton: positive weights (red)."""
NEGATIVE = C["blue"]
"""Hinton: negative weights (blue)."""
CYCLE = [C["blue"], C["orange"], C["green"], C["vermillion"], C["purple"], C["sky"], C["black"]]

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "figure.titlesize": 13,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.7,
    "axes.axisbelow": True,
    "lines.linewidth": 2.0,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "path.simplify": False,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The figures' rcParams, for the duration of a ``with`` block."""
    with matplotlib.rc_context(STYLE):
        yield


HEIGHTS = {
    "search_curve": 4.2,
    "score_histogram": 4.0,
    "trials_vs_n": 4.4,
    "trials_ecdf": 4.2,
    "ablation": 3.8,
    "paper_comparison": 5.4,
}
"""Figure heights in inches (width WIDTH); see also hinton_height, trajectories_height."""


def hinton_height(hidden: int) -> float:
    """Height (in) of the Hinton figure for H hidden units: fits the drawing's aspect."""
    wide = 3 * hidden + 1 + 2 * 1.9 + 2.2  # the columns of draw_weights, plus margins
    return round((0.7 + WIDTH * (hidden + 2.2) / wide) * DPI) / DPI


def trajectories_height(sequences: int) -> float:
    """Height (in) of the hidden-trajectories figure for this many sequences (rows)."""
    return 1.0 + 0.95 * sequences


def pixel_size(height: float, width: float = WIDTH, dpi: float = DPI) -> tuple[int, int]:
    """(rows, columns) of the PNG written for a figure of this size."""
    return round(height * dpi), round(width * dpi)


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A Figure with an Agg canvas (call inside :func:`style`)."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: str | os.PathLike) -> None:
    """Write ``fig`` as PNG with no varying metadata (same figure, same bytes)."""
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})


def percent(ax, axis: str = "y") -> None:
    """Format an axis holding fractions as percentages."""
    fmt = matplotlib.ticker.PercentFormatter(xmax=1.0, decimals=0)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _thousands(ax, axis: str = "x") -> None:
    """Plain numbers with thousands separators on a log axis (1, 10, 100, 1,000, ...)."""
    fmt = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


# --------------------------------------------------------------------------- search trace


def trace_arrays(trace: Mapping) -> tuple[np.ndarray, ...]:
    """(sampled trials, their accuracies, best-so-far trials, their accuracies) of a trace."""
    size = trace["sample_size"]
    st = np.asarray(trace["sampled"]["trial"], dtype=float)
    sa = np.asarray(trace["sampled"]["correct"], dtype=float) / size
    bt = np.asarray(trace["best"]["trial"], dtype=float)
    ba = np.asarray(trace["best"]["correct"], dtype=float) / size
    return st, sa, bt, ba


def search_curve_data(trace: Mapping, upto: float):
    """(dots (n, 2), step xs, step ys) of the search curve up to trial ``upto``."""
    st, sa, bt, ba = trace_arrays(trace)
    keep = st <= upto
    kb = bt <= upto
    xs = np.append(bt[kb], upto)
    ys = np.append(ba[kb], ba[kb][-1])
    return np.column_stack([st[keep], sa[keep]]), xs, ys


def draw_search_curve(ax, trace: Mapping, upto: float | None = None, legend: bool = True):
    """Best-so-far step line and sampled dots up to trial ``upto`` (all by default).

    Returns the artists {"dots", "best", "solver": [...]} (for animation).
    """
    st, sa, bt, ba = trace_arrays(trace)
    last = float(trace["trials"])
    upto = last if upto is None else float(upto)
    dots, xs, ys = search_curve_data(trace, upto)
    sc = ax.scatter(
        dots[:, 0], dots[:, 1], s=6, color=C["grey"], alpha=0.5, lw=0, label="sampled trial"
    )
    (best,) = ax.step(xs, ys, where="post", color=C["vermillion"], label="best so far")
    ax.axhline(0.5, color=C["black"], lw=0.8, ls=":", label="chance (50 %)")
    solver = []
    if trace["solved"]:
        (star,) = ax.plot(
            [last], [1.0], marker="*", ms=15, color=C["vermillion"], mec="black", mew=0.6, ls=""
        )
        note = ax.annotate(
            f"solver: trial {int(last):,}",
            (last, 1.0),
            xytext=(-10, -4),
            textcoords="offset points",
            ha="right",
            va="top",
        )
        solver = [star, note]
        for a in solver:
            a.set_visible(upto >= last)
    ax.set_xscale("log")
    ax.set_xlim(0.8, last * 1.6)
    low = min(float(sa.min()) if sa.size else 0.5, float(ba.min()))
    ax.set_ylim(min(0.4, math.floor(low * 20) / 20 - 0.02), 1.05)
    percent(ax)
    _thousands(ax)
    ax.set_xlabel("trial number (log scale)")
    ax.set_ylabel("training accuracy")
    if legend:
        ax.legend(loc="upper left", markerscale=2.5)
    return {"dots": sc, "best": best, "solver": solver}


def search_curve(trace: Mapping, path: str | os.PathLike) -> None:
    """Best-accuracy-so-far over trial number (log x), sampled trials, the solver marked.

    ``trace``: a trace dict (:func:`rsparity.trace.trace_search`).
    """
    with style():
        fig = new_figure(HEIGHTS["search_curve"])
        ax = fig.add_subplot()
        draw_search_curve(ax, trace)
        p = trace["params"]
        ax.set_title(
            f"Random search, N = {p['n']}, H = {p['hidden']}, r = {p['weight_scale']:g}, "
            f"seed {p['seed']}: accuracy on {trace['sample_size']:,} training sequences"
        )
        save(fig, path)


HIST_BINS = np.linspace(0.0, 1.0, 101)
"""1 %-wide accuracy bins."""


def draw_score_histogram(ax, accuracies: np.ndarray, solver: bool, log: bool, ymax=None):
    """Histogram of trial accuracies; a solver (100 %) marked separately.

    Returns (bars, solver line) for animation; the line is hidden unless ``solver``.
    """
    acc = np.asarray(accuracies, dtype=float)
    rest = acc[acc < 1.0]
    counts, _ = np.histogram(rest, bins=HIST_BINS)
    bars = ax.bar(
        HIST_BINS[:-1],
        counts,
        width=np.diff(HIST_BINS),
        align="edge",
        color=C["blue"],
        edgecolor="white",
        linewidth=0.3,
        label=f"sampled trials ({rest.size:,})",
    )
    ax.axvline(0.5, color=C["black"], lw=0.8, ls=":")
    if log:
        ax.set_yscale("log")
        ax.set_ylim(0.7, (ymax or max(counts.max(), 1)) * 2.0)
        _thousands(ax, "y")
    else:
        ax.set_ylim(0, (ymax or max(counts.max(), 1)) * 1.1)
    line = ax.axvline(
        1.0, color=C["vermillion"], lw=2.5, label="solver (100 %)" if solver else None
    )
    line.set_visible(solver)
    low = float(acc.min()) if acc.size else 0.5
    ax.set_xlim(min(0.3, math.floor(low * 10) / 10), 1.02)
    percent(ax, "x")
    ax.set_xlabel("training accuracy of a trial")
    ax.set_ylabel("trials per 1 % bin" + (" (log)" if log else ""))
    return bars, line


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k:,}{suffix}"


def score_histogram(trace: Mapping, path: str | os.PathLike, log: bool | None = None) -> None:
    """Histogram of the sampled trial accuracies, with the solver (100 %) marked.

    ``log``: log count axis; by default when the fullest bin holds over 30x the
    emptiest non-empty one.
    """
    _, sa, _, _ = trace_arrays(trace)
    counts, _ = np.histogram(sa[sa < 1.0], bins=HIST_BINS)
    if log is None:
        nz = counts[counts > 0]
        log = bool(nz.size and nz.max() > 30 * nz.min())
    with style():
        fig = new_figure(HEIGHTS["score_histogram"])
        ax = fig.add_subplot()
        draw_score_histogram(ax, sa, bool(trace["solved"]), log)
        ax.legend(loc="upper right", bbox_to_anchor=(0.95, 1.0))  # left of the solver line
        k = int(trace["every"])
        which = "every trial" if k == 1 else f"every {_ordinal(k)} random trial (and trial 1)"
        solver = f"; solver at trial {trace['trials']:,}" if trace["solved"] else ""
        ax.set_title(f"Accuracy of {which}{solver}")
        save(fig, path)


# --------------------------------------------------------------------------- weights


def _weights(weights: Mapping) -> dict[str, np.ndarray]:
    w = {k: np.asarray(weights[k], dtype=float) for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")}
    h = w["W_xh"].size
    w["W_xh"], w["b_h"], w["W_hy"] = w["W_xh"].ravel(), w["b_h"].ravel(), w["W_hy"].ravel()
    w["W_hh"] = w["W_hh"].reshape(h, h)
    w["b_y"] = w["b_y"].ravel()
    return w


def hinton_groups(weights: Mapping, compact: bool = False):
    """The groups of a Hinton diagram: (title, matrix, row labels, column labels);
    matrix[r, c] at row r.  Reference nets (``full``, ``nodiag``): W_hh, input + bias,
    readout + bias; the paper's A1 (``W_rec``) and A2 (``w_self``): see
    :func:`_paper_groups`.

    ``compact``: shorter titles and column labels, for small panels.
    """
    if "W_rec" in weights or "w_self" in weights:
        return _paper_groups(weights, compact)
    w = _weights(weights)
    h = w["W_xh"].size
    frm = [f"from h[{i}]" for i in range(h)]
    to = [f"h[{i}]" if compact else f"to h[{i}]" for i in range(h)]
    titles = (
        ["W_hh (recurrent)", "W_xh, b_h (input)", "W_hy, b_y (readout)"]
        if compact
        else ["recurrent W_hh", "input W_xh + bias b_h", "readout W_hy + bias b_y"]
    )
    return [
        (titles[0], w["W_hh"], frm, to),
        (titles[1], np.stack([w["W_xh"], w["b_h"]]), ["input x", "bias"], to),
        (
            titles[2],
            np.append(w["W_hy"], w["b_y"])[:, None],
            [*frm, "bias"],
            ["y" if compact else "to y"],
        ),
    ]


def _paper_groups(weights: Mapping, compact: bool):
    """A1 (units h[0..H-1] and the output y, :class:`rsparity.nets.paper.A1`): W_rec
    (from unit j, row, to unit i, column) and input + bias.  A2 / A2noself
    (:class:`rsparity.nets.paper.A2`): each hidden unit's input, self, output and bias
    weights, and the output unit's input, hidden and bias weights."""
    to = "" if compact else "to "
    if "W_rec" in weights:
        w_in, b = (np.asarray(weights[k], dtype=float).ravel() for k in ("W_in", "b"))
        u = w_in.size
        w_rec = np.asarray(weights["W_rec"], dtype=float).reshape(u, u)
        names = [f"h[{i}]" for i in range(u - 1)] + ["y"]
        return [
            ("W_rec (recurrent)", w_rec, [f"from {n}" for n in names], [to + n for n in names]),
            ("W_in, b (input)", np.stack([w_in, b]), ["input x", "bias"], [to + n for n in names]),
        ]
    w = {k: np.asarray(v, dtype=float).ravel() for k, v in weights.items()}
    h = w["b_h"].size
    hidden = np.stack([w["W_xh"], w["w_self"], w["W_oh"], w["b_h"]])
    output = np.concatenate([w["W_xo"], w["W_ho"], w["b_o"]])[:, None]
    return [
        (
            "hidden units",
            hidden,
            ["input x", "self", "from y", "bias"],
            [to + f"h[{i}]" for i in range(h)],
        ),
        ("output", output, ["input x", *[f"from h[{j}]" for j in range(h)], "bias"], [to + "y"]),
    ]


def draw_weights(
    ax,
    weights: Mapping,
    wmax: float | None = None,
    values: bool = True,
    fontsize: float = 10.0,
    gap: float = 1.9,
    compact: bool = False,
) -> None:
    """All weights of a net as a Hinton diagram in one axes (one scale for all).

    Square side ~ (|w| / wmax)**0.25, so area ~ sqrt(|w|); red positive, blue negative.
    ``wmax``: the |w| drawn as a full square (default: the largest |w|); ``values``:
    print each value under its square; ``compact``: short labels (see hinton_groups).
    """
    groups = hinton_groups(weights, compact)
    if wmax is None:
        wmax = max(float(np.abs(m).max()) for _, m, _, _ in groups)
    x0 = 0.0
    depth = max(m.shape[0] for _, m, _, _ in groups)
    for title, m, rows, cols in groups:
        nr, nc = m.shape
        ax.add_patch(
            Rectangle(
                (x0 - 0.5, -nr + 0.5), nc, nr, facecolor="#f4f4f4", edgecolor="#c8c8c8", lw=0.8
            )
        )
        for r in range(nr):
            ax.text(x0 - 0.58, -r, rows[r], ha="right", va="center", fontsize=fontsize)
            for c in range(nc):
                v = float(m[r, c])
                side = 0.66 * (abs(v) / wmax) ** 0.25 if wmax > 0 else 0.0
                cy = -r + 0.12
                ax.add_patch(
                    Rectangle(
                        (x0 + c - side / 2, cy - side / 2),
                        side,
                        side,
                        facecolor=POSITIVE if v > 0 else NEGATIVE,
                        lw=0,
                    )
                )
                if values:
                    ax.text(
                        x0 + c,
                        -r - 0.46,
                        f"{v:+.1f}",
                        ha="center",
                        va="bottom",
                        fontsize=fontsize * 0.85,
                    )
        for c in range(nc):
            ax.text(x0 + c, -nr + 0.4, cols[c], ha="center", va="top", fontsize=fontsize)
        ax.text(x0 + (nc - 1) / 2, 0.62, title, ha="center", va="bottom", fontsize=fontsize * 1.05)
        x0 += nc + gap
    ax.set_xlim(-0.5 - gap + 0.2, x0 - gap + 0.5)
    ax.set_ylim(-depth - 0.05, 1.05)
    ax.set_aspect("equal")
    ax.set_axis_off()


def hinton(weights: Mapping, path: str | os.PathLike, title: str | None = None) -> None:
    """Hinton diagram of a net's weights, grouped as in :func:`hinton_groups`.

    ``weights``: the result record's ``weights``; a reference net's are W_xh (H,), W_hh
    (H, H) with W_hh[j, i] from unit j to unit i,
    b_h (H,), W_hy (H,), b_y (1,) - the result record's ``weights`` (lists or
    arrays).  Square area ~ sqrt(|w|), one scale for all groups; the value is
    printed under each square.
    """
    if "W_xh" in weights and "W_hh" in weights:  # a reference net
        h = np.asarray(weights["W_xh"]).size
        wide = 3 * h + 1 + 2 * 1.9 + 2.2  # as in hinton_height
        height = hinton_height(h)
        compact = h > 2
    else:  # the same proportions for the groups of hinton_groups
        groups = hinton_groups(weights)
        depth = max(m.shape[0] for _, m, _, _ in groups)
        columns = sum(m.shape[1] for _, m, _, _ in groups)
        wide = columns + depth - 1 + (len(groups) - 1) * 1.9 + 2.2
        height = round((0.7 + WIDTH * (depth + 1.2) / wide) * DPI) / DPI
        compact = columns > 5
    unit_pt = 0.95 * WIDTH * 72 / wide  # one cell of the diagram, in points
    fontsize = min(10.0, 0.3 * unit_pt)
    with style():
        fig = new_figure(height)
        ax = fig.add_subplot()
        draw_weights(ax, weights, values=fontsize >= 6, fontsize=fontsize, compact=compact)
        fig.suptitle(title or "Winning weights: red positive, blue negative, square area ~ sqrt|w|")
        save(fig, path)


# --------------------------------------------------------------------------- hidden states

PARITY_COLOURS = {1: "#cdeee3", -1: "#f5d9e8"}
"""Background for running parity +1 (light bluish green) and -1 (light reddish purple)."""


def _runs(values: np.ndarray) -> list[tuple[int, int, float]]:
    """(start, end, value): the runs of equal consecutive values, end exclusive."""
    edges = np.flatnonzero(np.diff(values)) + 1
    starts = np.concatenate([[0], edges]).astype(int)
    ends = np.concatenate([edges, [values.size]]).astype(int)
    return [(int(a), int(b), float(values[a])) for a, b in zip(starts, ends, strict=True)]


def hidden_trajectories(
    states: np.ndarray,
    bits: np.ndarray,
    correct: Sequence[bool],
    path: str | os.PathLike,
    labels: Sequence[str] | None = None,
) -> None:
    """Hidden activations over time for a few held-out sequences, one row each.

    ``states``: (T, S, H) as ``Architecture.states(params, data)`` returns for an
    S-sequence Dataset (S = 6 in the README); ``bits``: (S, T) inputs in {-1, +1},
    0 after a sequence's end (no background there); ``correct``: (S,) whether the
    net's final output matched the parity; ``labels``: the H units' names (default
    h[i]).  The background shows the true running parity after each step.
    """
    states = np.asarray(states, dtype=float)
    bits = np.asarray(bits)
    steps, nseq, hidden = states.shape
    labels = [f"h[{i}]" for i in range(hidden)] if labels is None else list(labels)
    parity = np.cumprod(bits, axis=1)
    t = np.arange(1, steps + 1)
    colours = [C["orange"], C["blue"], C["green"], C["purple"], C["sky"], C["black"]]
    with style():
        fig = new_figure(trajectories_height(nseq))
        axes = fig.subplots(nseq, 1, sharex=True, squeeze=False)[:, 0]
        for s, ax in enumerate(axes):
            for k, end, value in _runs(parity[s, :steps]):
                if value:
                    ax.axvspan(k + 0.5, end + 0.5, color=PARITY_COLOURS[int(value)], lw=0)
            for i in range(hidden):
                ax.step(
                    t,
                    states[:, s, i],
                    where="mid",
                    color=colours[i % len(colours)],
                    lw=3.2 if i == 0 and hidden > 1 else 1.6,
                    label=labels[i],
                )
            ax.set_ylim(-1.25, 1.25)
            ax.set_yticks([-1, 0, 1])
            ax.set_xlim(0.5, steps + 0.5)
            ax.grid(False)
            ok = bool(correct[s])
            ax.set_ylabel(
                f"seq {s + 1}\n[{'OK' if ok else 'WRONG'}]",
                rotation=0,
                ha="right",
                va="center",
                color="black" if ok else C["vermillion"],
                fontweight="normal" if ok else "bold",
            )
        axes[-1].set_xlabel("time step t (one input bit per step)")
        handles = [
            matplotlib.lines.Line2D(
                [],
                [],
                color=colours[i % len(colours)],
                lw=3.2 if i == 0 and hidden > 1 else 1.6,
                label=labels[i],
            )
            for i in range(hidden)
        ] + [
            Rectangle((0, 0), 1, 1, color=PARITY_COLOURS[1], label="running parity +1"),
            Rectangle((0, 0), 1, 1, color=PARITY_COLOURS[-1], label="running parity -1"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=hidden + 2)
        fig.suptitle("Hidden units on held-out sequences ([OK]: final output = true parity)")
        save(fig, path)


# --------------------------------------------------------------------------- studies


def log_ticks(ax, values, axis="x") -> None:
    vals = sorted({float(v) for v in values})
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(vals, [f"{v:,g}" for v in vals])
    (ax.xaxis if axis == "x" else ax.yaxis).set_minor_locator(matplotlib.ticker.NullLocator())


def trials_vs_n(
    df,
    path: str | os.PathLike,
    expected: float | None = None,
    title: str = "Trials to the first solver against sequence length N",
) -> None:
    """Trials to solve against sequence length N, every seed a dot; median line.

    ``df`` columns: ``n``, ``seed``, ``trials``, ``solved`` (bool); an unsolved
    run's ``trials`` is its max_trials (censored: drawn as an open triangle).
    ``expected``: optionally draw a horizontal line at this many trials (e.g. 1/p).
    The median at an N is drawn open when half or more of its runs are censored
    (then it is only a lower bound).
    """
    d = df.sort_values(["n", "seed"], kind="stable")
    ns = sorted(d["n"].unique())
    with style():
        fig = new_figure(HEIGHTS["trials_vs_n"])
        ax = fig.add_subplot()
        med_x, med_y, med_censored = [], [], []
        labelled = set()
        for n in ns:
            g = d[d["n"] == n]
            k = len(g)
            offs = (np.arange(k) - (k - 1) / 2) * (0.12 / max(k - 1, 1)) if k > 1 else np.zeros(1)
            xs = n * 10**offs
            solved = g["solved"].to_numpy(bool)
            trials = g["trials"].to_numpy(float)
            lab = "solved run (one per seed)" if "s" not in labelled else None
            ax.scatter(
                xs[solved], trials[solved], s=18, color=C["blue"], alpha=0.6, lw=0, label=lab
            )
            labelled.add("s")
            if (~solved).any():
                lab = "unsolved: censored at max_trials" if "u" not in labelled else None
                ax.scatter(
                    xs[~solved],
                    trials[~solved],
                    s=40,
                    marker="^",
                    facecolor="none",
                    edgecolor=C["vermillion"],
                    lw=1.2,
                    label=lab,
                )
                labelled.add("u")
            med_x.append(n)
            med_y.append(float(np.median(trials)))
            med_censored.append((~solved).sum() >= k / 2)
        ax.plot(med_x, med_y, color=C["black"], lw=1.8, label="median over seeds", zorder=3)
        mc = np.asarray(med_censored)
        mx, my = np.asarray(med_x, float), np.asarray(med_y)
        ax.scatter(mx[~mc], my[~mc], s=36, color=C["black"], zorder=4)
        if mc.any():
            ax.scatter(
                mx[mc],
                my[mc],
                s=36,
                facecolor="white",
                edgecolor=C["black"],
                zorder=4,
                label="median (lower bound: >= half censored)",
            )
        if expected:
            ax.axhline(expected, color=C["green"], ls="--", lw=1.4, label=f"1/p = {expected:,.0f}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        log_ticks(ax, ns)
        _thousands(ax, "y")
        lo, hi = min(ns), max(ns)
        ax.set_xlim(lo / 10**0.12, hi * 10**0.12)
        ax.set_xlabel("sequence length N (log scale)")
        ax.set_ylabel("trials to first solver (log scale)")
        ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=3 if expected or mc.any() else 2)
        save(fig, path)


def _geometric_p(g) -> float:
    return float(g["solved"].sum()) / float(g["trials"].sum())


def trials_ecdf(
    df,
    path: str | os.PathLike,
    p: Mapping[str, float] | None = None,
    title: str = "Trials to the first solver: empirical CDF and geometric fit",
) -> None:
    """Empirical CDF of trials to solve per study, with the geometric fit 1 - (1 - p)^k.

    ``df`` columns: ``study`` (label), ``trials``, ``solved`` (bool); an unsolved
    run's ``trials`` is its max_trials, so it counts in the denominator but never
    as a solve.  ``p``: optional {study: p}; by default p = solves / sum(trials).
    Studies are drawn in order of first appearance.
    """
    studies = list(dict.fromkeys(df["study"]))
    with style():
        fig = new_figure(HEIGHTS["trials_ecdf"])
        ax = fig.add_subplot()
        kmax = float(df["trials"].max())
        kmin = max(1.0, float(df.loc[df["solved"].astype(bool), "trials"].min()))
        grid = np.geomspace(max(1.0, kmin / 3), kmax * 1.5, 400)
        for i, study in enumerate(studies):
            g = df[df["study"] == study]
            colour = CYCLE[i % len(CYCLE)]
            runs = len(g)
            ok = g["solved"].astype(bool).to_numpy()
            solved = np.sort(g.loc[ok, "trials"].to_numpy(float))
            # with censored runs the ECDF is known only up to the censoring point
            end = float(g["trials"].max()) if (~ok).any() else grid[-1]
            pp = float(p[study]) if p and study in p else _geometric_p(g)
            ys = np.arange(1, solved.size + 1) / runs
            xs = np.concatenate([[grid[0]], solved, [end]])
            ys = np.concatenate([[0.0], ys, [ys[-1] if ys.size else 0.0]])
            ax.step(
                xs, ys, where="post", color=colour, label=f"{study}: {solved.size}/{runs} solved"
            )
            if pp > 0:
                k = grid[grid <= end]
                fit = -np.expm1(k * math.log1p(-pp))
                label = f"geometric fit, p = {fmt.sci_tex(pp)}"
                ax.plot(k, fit, color=colour, ls="--", lw=1.3, label=label)
        ax.set_xscale("log")
        _thousands(ax)
        ax.set_ylim(0, 1.02)
        percent(ax)
        ax.set_xlabel("trials k (log scale)")
        ax.set_ylabel("fraction of runs solved by trial k")
        ax.set_title(title)
        ax.legend(loc="upper left")
        save(fig, path)


ABLATION_LABELS = {
    "hidden": "hidden units H",
    "weight_scale": "weight scale r",
    "nodiag": "sequence length N",
    "n": "sequence length N",
}
ABLATION_TITLES = {
    "hidden": "hidden-layer size",
    "weight_scale": "weight range",
    "nodiag": "no self-connections",
    "n": "sequence length",
}


def ablation(
    df,
    path: str | os.PathLike,
    labels: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    reference: float | None = None,
    reference_label: str = "headline p",
) -> None:
    """Solver fraction p with 95 % interval per setting, one panel per ``panel``.

    ``df`` columns: ``panel`` (e.g. "hidden", "weight_scale", "nodiag"), ``x``
    (the setting's value), ``p``, ``p_lo``, ``p_hi``, ``solves``.  Where
    ``solves == 0`` only the upper bound ``p_hi`` is drawn (a downward caret).
    ``labels`` / ``titles``: x-axis label / title per panel (defaults:
    ``ABLATION_LABELS`` / ``ABLATION_TITLES``, else the panel name).
    ``reference``: optionally a p drawn as a dotted line in every panel.
    Panels appear in order of first appearance; x is log-scaled when its values
    span a factor of 8 or more.
    """
    names = list(dict.fromkeys(df["panel"]))
    names_labels = {**ABLATION_LABELS, **(labels or {})}
    names_titles = {**ABLATION_TITLES, **(titles or {})}
    pos = df["p"][df["solves"] > 0]
    ymin = min([*pos, *df["p_hi"]]) / 5
    ymax = max(df["p_hi"].max(), pos.max() if len(pos) else 0) * 5
    with style():
        fig = new_figure(HEIGHTS["ablation"])
        axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
        for ax, name in zip(axes, names, strict=True):
            g = df[df["panel"] == name].sort_values("x", kind="stable")
            x = g["x"].to_numpy(float)
            hit = g["solves"].to_numpy() > 0
            if hit.any():
                p_ = g["p"].to_numpy(float)[hit]
                err = np.vstack(
                    [p_ - g["p_lo"].to_numpy(float)[hit], g["p_hi"].to_numpy(float)[hit] - p_]
                )
                ax.errorbar(
                    x[hit],
                    p_,
                    yerr=err,
                    fmt="o",
                    color=C["blue"],
                    ms=6,
                    capsize=4,
                    lw=1.5,
                    label="p, 95 % CI",
                )
            if (~hit).any():
                ub = g["p_hi"].to_numpy(float)[~hit]
                ax.scatter(
                    x[~hit],
                    ub,
                    marker="v",
                    s=70,
                    color=C["vermillion"],
                    zorder=3,
                    label="0 solves: 95 % upper bound",
                )
                for xi, u in zip(x[~hit], ub, strict=True):
                    ax.annotate(
                        "",
                        (xi, u / 4),
                        (xi, u),
                        arrowprops={"arrowstyle": "->", "color": C["vermillion"], "lw": 1.2},
                    )
            if reference:
                ax.axhline(reference, color=C["grey"], ls=":", lw=1.4, label=reference_label)
            if x.min() > 0 and x.max() / x.min() >= 8:
                ax.set_xscale("log")
                log_ticks(ax, x)
                ax.set_xlim(x.min() / 1.6, x.max() * 1.6)
            else:
                ax.set_xticks(sorted(set(x)), [f"{v:g}" for v in sorted(set(x))])
                pad = 0.5 if x.max() > x.min() else 1
                ax.set_xlim(x.min() - pad, x.max() + pad)
            ax.set_yscale("log")
            ax.set_xlabel(names_labels.get(name, name))
            ax.set_title(names_titles.get(name, name))
        axes[0].set_ylim(ymin, ymax)
        axes[0].set_ylabel("solver fraction p per trial (log)")
        entries: dict[str, object] = {}
        for ax in axes:
            for hnd, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                entries.setdefault(lab, hnd)
        first = ["p, 95 % CI", "0 solves: 95 % upper bound"]
        labs = sorted(entries, key=lambda lab: first.index(lab) if lab in first else len(first))
        fig.legend([entries[k] for k in labs], labs, loc="outside upper center", ncols=len(labs))
        save(fig, path)


def paper_comparison(df, path: str | os.PathLike) -> None:
    """Mean trials to solve per net and variant, ours (1/p with 95 % CI) beside the paper's.

    ``df``: one row per (net, variant), grouped by net in the order given;
    columns ``net``, ``variant`` (labels), ``expected_trials``, ``expected_lo``,
    ``expected_hi``, ``solves`` and ``paper`` (the paper's mean for the net, NaN
    if none).  Each net is a band of rows, one per variant; a variant with no
    solve is drawn as an arrow at its lower bound ``expected_lo``; the paper's
    mean is a vertical bar across the band.
    """
    nets = list(dict.fromkeys(df["net"]))
    variants = list(dict.fromkeys(df["variant"]))
    colors = dict(zip(variants, CYCLE, strict=False))
    band = len(variants) + 1
    with style():
        fig = new_figure(HEIGHTS["paper_comparison"])
        ax = fig.subplots()
        rows = df.assign(
            y=[
                -(nets.index(n) * band + variants.index(v))
                for n, v in zip(df["net"], df["variant"], strict=True)
            ]
        )
        for variant in variants:
            part = rows[rows["variant"] == variant]
            hit = part[part["solves"] > 0]
            ax.errorbar(
                hit["expected_trials"],
                hit["y"],
                xerr=[
                    hit["expected_trials"] - hit["expected_lo"],
                    hit["expected_hi"] - hit["expected_trials"],
                ],
                fmt="o",
                color=colors[variant],
                ms=6,
                capsize=3,
                label=variant,
            )
            miss = part[part["solves"] == 0]
            ax.scatter(miss["expected_lo"], miss["y"], marker=">", s=55, color=colors[variant])
        for i, net in enumerate(nets):
            paper = rows.loc[rows["net"] == net, "paper"].iloc[0]
            if np.isfinite(paper):
                top, bottom = -i * band + 0.5, -i * band - len(variants) + 0.5
                ax.plot([paper, paper], [bottom, top], color=C["black"], lw=2.5, zorder=3)
        ax.plot([], [], color=C["black"], lw=2.5, label="paper (1996)")
        ax.scatter([], [], marker=">", s=55, color=C["grey"], label="no solve: lower bound")
        ax.set_xscale("log")
        _thousands(ax, "x")
        centers = [-(i * band + (len(variants) - 1) / 2) for i in range(len(nets))]
        ax.set_yticks(centers, nets)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-(len(nets) * band - 1) + 0.3, 0.7)
        ax.set_xlabel("mean trials to solve, 1/p with 95 % CI (log scale)")
        handles, labels = ax.get_legend_handles_labels()
        first = [labels.index(v) for v in variants]  # variants, then the two keys
        order = first + [i for i in range(len(labels)) if i not in first]
        ax.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
        )
        save(fig, path)
