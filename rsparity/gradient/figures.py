"""The gradient study's figures, in the style of :mod:`rsparity.plots` (byte-identical PNGs)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..plots import CYCLE, C, log_ticks, new_figure, percent, save, style
from .tables import MAIN, select

HEIGHTS = {"gradient_success": 5.8, "vanishing_gradient": 4.2}
LINES = {
    ("adam", "fixed"): (C["blue"], "-"),
    ("adam", "variable"): (C["blue"], "--"),
    ("momentum", "fixed"): (C["orange"], "-"),
    ("momentum", "variable"): (C["orange"], "--"),
}


def _success(
    ax, rows: pd.DataFrame, label: str, colour: str, ls: str, shift: float, marker: str = "o"
) -> None:
    """Success fraction with its 95 % interval as error bars, shifted by the factor
    ``shift`` along the log N axis so that lines at the same N do not hide each other."""
    rows = rows.sort_values("n")
    frac = (rows["solved"] / rows["restarts"]).to_numpy()
    err = [frac - rows["p_low"].to_numpy(), rows["p_high"].to_numpy() - frac]
    ax.errorbar(
        rows["n"] * shift,
        frac,
        yerr=err,
        color=colour,
        ls=ls,
        marker=marker,
        ms=5,
        lw=1.6,
        elinewidth=0.9,
        capsize=2,
        label=label,
    )


def gradient_success(summary: pd.DataFrame, path: str | os.PathLike) -> None:
    """Success probability against N: random search within one restart's budget, and each
    gradient method and regime's success fraction with its 95 % interval.

    ``summary``: ``gradient_summary.csv`` (columns net, hidden, method, regime, init,
    batch, budget_factor, n, solved, restarts, p_low, p_high, search_within_budget).
    Left: the reference net (H = 2) at the main settings (:data:`.tables.MAIN`); right:
    the other nets at the same budget factor and init.
    """
    main = select(summary, **MAIN)
    others = select(summary, init=MAIN["init"], budget_factor=MAIN["budget_factor"])
    others = others[~((others["net"] == "full") & (others["hidden"] == MAIN["hidden"]))]
    with style():
        fig = new_figure(HEIGHTS["gradient_success"])
        left, right = fig.subplots(1, 2, sharey=True)
        for ax, rows in ((left, main), (right, others)):
            search = rows.drop_duplicates(["net", "n"]).sort_values("n")
            ax.plot(
                search["n"],
                search["search_within_budget"],
                color=C["black"],
                ls="none",
                marker="s",
                ms=5,
                label="random search, same budget",
            )
        for i, ((method, regime), (colour, ls)) in enumerate(LINES.items()):
            rows = select(main, method=method, regime=regime)
            if len(rows):
                shift = 1.04 ** (i - 1.5)
                _success(left, rows, f"{method}, {regime} length", colour, ls, shift)
        left.set_title("reference net, H = 2")
        groups = list(others.groupby(["net", "hidden", "method", "regime"], sort=True))
        nets = list(dict.fromkeys(key[:3] for key, _ in groups))
        for i, ((net, hidden, method, regime), rows) in enumerate(groups):
            colour = CYCLE[(nets.index((net, hidden, method)) + 2) % len(CYCLE)]
            ls = "-" if regime == "fixed" else "--"
            label = f"{net} H = {hidden}, {method}, {regime}"
            shift = 1.04 ** (i - (len(groups) - 1) / 2)
            marker = "o" if regime == "fixed" else "^"
            _success(right, rows, label, colour, ls, shift, marker=marker)
        right.set_title("larger nets, LSTM, the paper's nets")
        for ax, rows in ((left, main), (right, others)):
            ax.set_xscale("log")
            if len(rows):
                log_ticks(ax, rows["n"])
            ax.set_xlabel("sequence length N (log scale)")
            ax.set_ylim(-0.03, 1.03)
            # below the axes: the lines fill the panel
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=2, fontsize=7.5)
        percent(left)
        left.set_ylabel("solved (share of restarts)")
        save(fig, path)


def vanishing_gradient(rows: pd.DataFrame, search: pd.DataFrame, path: str | os.PathLike) -> None:
    """The gradient's norm w.r.t. the initial state h_0 against N (log-log), per init, at
    initialisation and after training; next to it the random search's solver fraction.

    ``rows``: columns n, init, epochs, grad_norm (one per seed; the median is drawn,
    exact zeros - underflow - on the dotted floor); ``search``: the baseline study's
    summary (arch, hidden, n, p, p_lo, p_hi), of which the reference net (H = 2) is drawn.
    """
    if "arch" in search:
        search = search[(search["arch"] == "full") & (search["hidden"] == 2)]
    inits = list(dict.fromkeys(rows["init"]))
    stages = sorted(rows["epochs"].unique())
    positive = rows.loc[rows["grad_norm"] > 0, "grad_norm"]
    floor = max(float(positive.min()) / 100, 1e-300) if len(positive) else 1e-300
    with style():
        fig = new_figure(HEIGHTS["vanishing_gradient"])
        left, right = fig.subplots(1, 2, width_ratios=[1.6, 1])
        for i, init in enumerate(inits):
            for epochs in stages:
                g = rows[(rows["init"] == init) & (rows["epochs"] == epochs)]
                med = g.groupby("n")["grad_norm"].median().sort_index()
                ls = "-" if epochs == 0 else "--"
                when = "at init" if epochs == 0 else f"after {epochs} epochs"
                left.plot(
                    med.index,
                    np.maximum(med.to_numpy(), floor),
                    color=CYCLE[i % len(CYCLE)],
                    ls=ls,
                    marker="o",
                    ms=4,
                    label=f"init {init}, {when}",
                )
        left.axhline(floor, color=C["grey"], lw=0.8, ls=":")
        left.set_xscale("log")
        log_ticks(left, rows["n"])
        left.set_yscale("log")
        left.set_xlabel("sequence length N (log scale)")
        left.set_ylabel("|d loss / d h_0| (median over seeds)")
        left.set_title("gradient w.r.t. the initial state (dotted: exactly 0)")
        left.legend(loc="lower left", fontsize=7.5)
        search = search.sort_values("n")
        right.errorbar(
            search["n"],
            search["p"],
            yerr=[search["p"] - search["p_lo"], search["p_hi"] - search["p"]],
            color=C["black"],
            marker="s",
            ms=4,
            capsize=3,
        )
        right.set_xscale("log")
        log_ticks(right, search["n"])
        right.set_yscale("log")
        right.set_xlabel("sequence length N (log scale)")
        right.set_ylabel("random search: solver fraction p")
        right.set_title("random search does not care")
        save(fig, path)
