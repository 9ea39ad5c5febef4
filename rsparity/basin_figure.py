"""The basin figures: weight-space slices (:mod:`rsparity.slices`) and p against N.

Imports nothing of :mod:`rsparity.slices` or :mod:`rsparity.basin` (which draws
through it): a slice is plain data, its solver area the share of grid points at
``sample_size``.

In :mod:`rsparity.plots`' style and conventions (plain data and a path, fixed
pixel size, byte-identical PNGs): each slice is a heat map of training
accuracy over the slice's two weights, the grid points that classify every
training sequence drawn in one colour on top, the centre trial marked.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import matplotlib.colors
import numpy as np

from . import fmt
from .plots import WIDTH, C, log_ticks, new_figure, save, style

SLICES_HEIGHT = 4.2
"""Height (in) of :func:`slices_figure` (one row of slices)."""
BASIN_HEIGHT = 7.6
"""Height (in) of :func:`basin_figure` (slices above, the non-solver and p(N) below)."""
ACCURACY_CMAP = "cividis"
"""Training accuracy 0..1 (perceptually uniform, colour-vision safe)."""
SOLVER_COLOUR = C["vermillion"]


def draw_slice(ax, basin: Mapping, title: str) -> object:
    """One slice on ``ax``: accuracy heat map, solver points, the centre; returns the image."""
    x, y = np.asarray(basin["axes"]["x"]), np.asarray(basin["axes"]["y"])
    r = basin["params"]["weight_scale"]
    extent = (-r, r, -r, r)
    counts = np.asarray(basin["correct"], dtype=np.int64)
    solved = counts == basin["sample_size"]
    image = ax.imshow(
        counts / basin["sample_size"],
        origin="lower",
        extent=extent,
        cmap=ACCURACY_CMAP,
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        aspect="equal",
    )
    ax.imshow(
        np.ma.masked_where(~solved, solved.astype(float)),
        origin="lower",
        extent=extent,
        cmap=matplotlib.colors.ListedColormap([SOLVER_COLOUR]),
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        aspect="equal",
    )
    i, j = basin["centre_index"]
    ax.plot([x[i]], [y[j]], marker="+", ms=11, mew=1.6, color="white", ls="none")
    ax.plot([x[i]], [y[j]], marker="+", ms=8, mew=0.9, color=C["black"], ls="none")
    a, b = basin["pair"]["names"]
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    ax.grid(False)
    n = basin["params"]["n"]
    ax.set_title(f"{title}, N = {n:,}\nsolver area {100 * solved.mean():.2f} %", fontsize=10)
    return image


def _colorbar(fig, image, axes) -> None:
    bar = fig.colorbar(image, ax=axes, shrink=0.7, aspect=30, label="training accuracy")
    bar.ax.yaxis.set_major_formatter(
        matplotlib.ticker.PercentFormatter(xmax=1.0, decimals=0)  # type: ignore[attr-defined]
    )


def slices_figure(slices: Sequence[tuple[str, Mapping]], path: str | os.PathLike) -> None:
    """Slices side by side, each ``(title, slice)``, with one accuracy colour bar."""
    with style():
        fig = new_figure(SLICES_HEIGHT)
        axes = fig.subplots(1, len(slices), squeeze=False)[0]
        image = None
        for ax, (title, basin) in zip(axes, slices, strict=True):
            image = draw_slice(ax, basin, title)
        _colorbar(fig, image, list(axes))
        save(fig, path)


def draw_p_against_n(ax, scaling, marked: Sequence[int] = ()) -> None:
    """The solver fraction p per trial against N with its 95 % interval; ``scaling``:
    a summary table (columns ``n``, ``p``, ``p_lo``, ``p_hi``); ``marked``: the N
    of the slices (dotted lines)."""
    d = scaling.sort_values("n", kind="stable")
    n = d["n"].to_numpy(float)
    p, lo, hi = (d[k].to_numpy(float) for k in ("p", "p_lo", "p_hi"))
    for m in marked:
        ax.axvline(m, color=C["grey"], ls=":", lw=1.2)
    ax.errorbar(n, p, yerr=[p - lo, hi - p], fmt="o", color=C["blue"], ms=5, capsize=3, lw=1.4)
    ax.set_xscale("log")
    ax.set_yscale("log")
    log_ticks(ax, n)
    ax.tick_params(axis="x", labelsize=8.5)
    bottom, top = lo[lo > 0].min() / 1.3 if (lo > 0).any() else hi.min() / 10, hi.max() * 1.3
    ticks = [
        m * 10.0**e
        for e in range(math.floor(math.log10(bottom)), math.ceil(math.log10(top)) + 1)
        for m in (1, 2, 5)
        if bottom <= m * 10.0**e <= top
    ]
    ax.set_yticks(ticks, [fmt.sci(v, 1) for v in ticks])
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())  # type: ignore[attr-defined]
    ax.set_ylim(bottom, top)
    ax.set_xlim(n.min() / 10**0.12, n.max() * 10**0.12)
    ax.set_xlabel("sequence length N (log scale; dotted: the slices' N)")
    ax.set_ylabel("solver fraction p (log scale)")
    ax.set_title(
        "Solver fraction p of [-r, r]^d per trial\n(scaling study, 95 % intervals)", fontsize=10
    )


def basin_figure(
    solvers: Sequence[Mapping], nonsolver: Mapping, scaling, path: str | os.PathLike
) -> None:
    """The README's basin figure: the slices through one solver at each N (top row),
    the slice through a non-solver and p against N (bottom row)."""
    columns = max(2, len(solvers))
    with style():
        fig = new_figure(BASIN_HEIGHT, WIDTH)
        grid = fig.add_gridspec(2, columns)
        axes = [fig.add_subplot(grid[0, k]) for k in range(len(solvers))]
        image = None
        for ax, basin in zip(axes, solvers, strict=True):
            image = draw_slice(ax, basin, f"solver (trial {basin['trial']:,})")
        low = fig.add_subplot(grid[1, 0])
        image = draw_slice(low, nonsolver, f"non-solver (trial {nonsolver['trial']:,})")
        _colorbar(fig, image, [*axes, low])
        draw_p_against_n(fig.add_subplot(grid[1, 1:]), scaling, [s["params"]["n"] for s in solvers])
        save(fig, path)
