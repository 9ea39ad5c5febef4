"""The reference's four static panels of one search, from its record and trace.

Search curve, trial-score histogram, Hinton diagram of the solver and unit
trajectories on the first held-out sequences - the figures of the reference's
``visualize`` program.  The workflow's headline figures are drawn here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from . import plots
from .nets import get_architecture
from .protocols import heldout_examples
from .spec import SearchSpec

PANELS = ("search_curve", "score_histogram", "hinton", "hidden_trajectories")
SOLVER_PANELS = ("hinton", "hidden_trajectories")
"""Panels of the solver's weights: an unsolved search has none."""
EXAMPLE_SEQUENCES = 6
"""Held-out sequences drawn in the trajectories panel."""


def drawable(record: Mapping) -> tuple[str, ...]:
    """The panels ``record`` has: all of ``PANELS`` if it solved, else those without
    ``SOLVER_PANELS`` (the search curve and the histogram still show the search)."""
    if record["weights"] is not None:
        return PANELS
    return tuple(p for p in PANELS if p not in SOLVER_PANELS)


def draw_panels(record: Mapping, trace: Mapping, paths: Mapping[str, str | os.PathLike]) -> None:
    """Write each panel named in ``paths`` (keys from :func:`drawable`) to its path."""
    unknown = set(paths) - set(PANELS)
    if unknown:
        raise ValueError(f"unknown panels {sorted(unknown)}; allowed: {', '.join(PANELS)}")
    missing = set(paths) - set(drawable(record))
    if missing:
        raise ValueError(f"panels {sorted(missing)} need a solver; the search did not solve")
    if "search_curve" in paths:
        plots.search_curve(trace, paths["search_curve"])
    if "score_histogram" in paths:
        plots.score_histogram(trace, paths["score_histogram"])
    if "hinton" in paths:
        plots.hinton(record["weights"], paths["hinton"])
    if "hidden_trajectories" in paths:
        spec = SearchSpec.from_params(record["params"])
        arch = get_architecture(spec.arch)
        weights = {k: np.array([v]) for k, v in record["weights"].items()}
        data = heldout_examples(spec, EXAMPLE_SEQUENCES)
        states = arch.states(weights, data)
        correct = arch.correct(weights, data, 0, data.size)[0]
        plots.hidden_trajectories(
            states, _bits(spec, data), correct, paths["hidden_trajectories"], _labels(spec)
        )


def _bits(spec: SearchSpec, data) -> np.ndarray:
    """(S, T) the input bits as +-1, 0 after each sequence's end.  The reference's inputs
    are the bits; the paper's carry noise (|noise| < 1, so the sign is the bit) or, with
    variant inputs01, are bit + noise (rounded: exact without noise)."""
    if spec.protocol != "paper":
        return data.x.T
    x = data.x.T
    bits = 2 * np.round(np.clip(x, 0, 1)) - 1 if spec.variant == "inputs01" else np.sign(x)
    inside = np.arange(x.shape[1])[None, :] < data.lengths[:, None]
    return np.where(inside, bits, 0.0)


def _labels(spec: SearchSpec) -> list[str] | None:
    """Unit names: a paper net's states end with its output unit y."""
    if spec.protocol != "paper":
        return None
    return [f"h[{i}]" for i in range(spec.hidden)] + ["y"]
