"""The search animation (the reference README's GIF), deterministic bytes.

Each frame shows the search up to trial t: the best-accuracy-so-far curve and
the sampled trials (log x), the histogram of the sampled trial accuracies, and
the best net so far as a Hinton diagram.  Frames sit at about log-spaced trial
numbers from 1 to the solver (:func:`frame_trials`).  Frames are drawn with the
figure style of :mod:`rsparity.plots` and written as a looping GIF with imageio.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import imageio.v3 as iio
import numpy as np

from . import plots

GIF_WIDTH = 9.0
GIF_HEIGHT = 6.4
GIF_DPI = 100
"""900 x 640 px frames."""
FRAME_MS = 110
LAST_FRAME_MS = 2500


def frame_trials(total: int, frames: int) -> list[int]:
    """``frames`` trial numbers, about log-spaced from 1 to ``total`` (inclusive).

    Strictly increasing when ``total >= frames``; otherwise some repeat.
    """
    if frames < 1 or total < 1:
        raise ValueError("frames and total must be >= 1")
    raw = np.geomspace(1, total, frames) if frames > 1 else np.array([float(total)])
    if total < frames:
        return [int(round(v)) for v in raw]
    out: list[int] = []
    for i, v in enumerate(raw):
        k = max(int(round(v)), out[-1] + 1 if out else 1)
        out.append(min(k, total - (frames - 1 - i)))
    return out


def _best_at(trace: Mapping, t: int) -> tuple[int, float]:
    """(trial, accuracy) of the best trial among 1..t."""
    trials = np.asarray(trace["best"]["trial"])
    i = int(np.searchsorted(trials, t, side="right")) - 1
    return int(trials[i]), trace["best"]["correct"][i] / trace["sample_size"]


def render_frames(
    trace: Mapping,
    weights_at: Callable[[int], Mapping],
    frames: int = 60,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[int], list[np.ndarray]]:
    """(trial numbers, RGB uint8 frames (H, W, 3)) of the animation.

    ``progress(done, frames)`` is called after each frame (e.g. for a terminal's
    progress line); it does not change the frames.

    The figure is laid out and drawn once without its changing parts (axes,
    ticks, labels); each frame restores that background and draws only the
    changing artists (blitting), so a frame costs a few milliseconds.
    """
    ts = frame_trials(int(trace["trials"]), frames)
    last = int(trace["trials"])
    solved = bool(trace["solved"])
    _, sa, _, _ = plots.trace_arrays(trace)
    st = np.asarray(trace["sampled"]["trial"])
    counts, _ = np.histogram(sa[sa < 1.0], bins=plots.HIST_BINS)
    ymax = max(int(counts.max()), 1)
    r = float(trace["params"]["weight_scale"])
    cache: dict[int, Mapping] = {}
    images = []
    with plots.style():
        fig = plots.new_figure(GIF_HEIGHT, GIF_WIDTH)
        fig.set_dpi(GIF_DPI)
        grid = fig.add_gridspec(2, 2, height_ratios=[1.35, 1.0], width_ratios=[1.2, 1.0])
        ax_c = fig.add_subplot(grid[0, 0])
        ax_h = fig.add_subplot(grid[0, 1])
        ax_w = fig.add_subplot(grid[1, :])
        curve = plots.draw_search_curve(ax_c, trace, legend=False)
        (head,) = ax_c.plot([], [], "o", ms=6, color=plots.C["vermillion"])  # the current best
        ax_c.set_title("best accuracy so far (red), sampled trials (grey)")
        bars, solver_line = plots.draw_score_histogram(ax_h, sa, solved, log=True, ymax=ymax)
        ax_h.set_title("scores of the sampled trials")
        ax_h.set_ylabel("sampled trials (log)")
        best_k, best_acc = _best_at(trace, last)
        cache[best_k] = weights_at(best_k)
        plots.draw_weights(ax_w, cache[best_k], wmax=r, fontsize=9.5, compact=True)
        title = fig.suptitle(_title(last, best_k, best_acc))
        # lay out on the final frame, keep that layout, draw the static background
        fig.canvas.draw()
        fig.set_layout_engine("none")
        moving = [curve["dots"], curve["best"], head, *curve["solver"], *bars, solver_line]
        moving += [title, ax_w]
        shown_solver = {a: a.get_visible() for a in [*curve["solver"], solver_line]}
        for a in moving:
            a.set_visible(False)
        fig.canvas.draw()
        background = fig.canvas.copy_from_bbox(fig.bbox)
        for a in moving:
            a.set_visible(shown_solver.get(a, True))
        renderer = fig.canvas.get_renderer()
        shown = None
        for t in ts:
            dots, xs, ys = plots.search_curve_data(trace, t)
            curve["dots"].set_offsets(dots)
            curve["best"].set_data(xs, ys)
            head.set_data(xs[-1:], ys[-1:])
            done = solved and t >= last
            now, _ = np.histogram(sa[(st <= t) & (sa < 1.0)], bins=plots.HIST_BINS)
            for bar, c in zip(bars, now, strict=True):
                bar.set_height(c)
            best_k, best_acc = _best_at(trace, t)
            if best_k != shown:  # new best net: a new background with its weights
                if best_k not in cache:
                    cache[best_k] = weights_at(best_k)
                ax_w.cla()
                plots.draw_weights(ax_w, cache[best_k], wmax=r, fontsize=9.5, compact=True)
                fig.canvas.restore_region(background)
                ax_w.draw(renderer)
                with_weights = fig.canvas.copy_from_bbox(fig.bbox)
                shown = best_k
            title.set_text(_title(t, best_k, best_acc))
            fig.canvas.restore_region(with_weights)
            ax_c.draw_artist(curve["dots"])
            ax_c.draw_artist(curve["best"])
            if not done:
                ax_c.draw_artist(head)
            if done:
                for a in curve["solver"]:
                    ax_c.draw_artist(a)
            for bar, c in zip(bars, now, strict=True):
                if c:
                    ax_h.draw_artist(bar)
            if done:
                ax_h.draw_artist(solver_line)
            fig.draw_artist(title)
            images.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
            if progress is not None:
                progress(len(images), len(ts))
    return ts, images


def _title(t: int, best_k: int, best_acc: float) -> str:
    return f"Random weight guessing, trial {t:,}: best so far {best_acc:.1%} (trial {best_k:,})"


def search_gif(
    trace: Mapping,
    weights_at: Callable[[int], Mapping],
    path: str | os.PathLike,
    frames: int = 60,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the search animation as a looping GIF (loop=0) of ``frames`` frames.

    ``trace``: a trace dict (:func:`rsparity.trace.trace_search`);
    ``weights_at(k)``: the weights dict of trial k (e.g.
    ``stream.arch.record(stream.params(k, 1))``), called once per distinct
    best-so-far trial shown; ``progress`` as in :func:`render_frames`.  Frames last
    FRAME_MS ms, the last one LAST_FRAME_MS.
    """
    _, images = render_frames(trace, weights_at, frames, progress)
    durations = [FRAME_MS] * (len(images) - 1) + [LAST_FRAME_MS]
    iio.imwrite(
        path,
        np.stack(images),
        extension=".gif",
        plugin="pillow",
        duration=durations,
        loop=0,
    )
