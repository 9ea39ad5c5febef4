"""Training data of one restart in each regime, as padded arrays; and the cost of an epoch.

``fixed``: restart ``seed`` trains on exactly the random search's training set
(:func:`rsparity.protocols.training_set` on ``default_rng(seed)``, the
generator's first draws).  ``variable``: as many sequences, of lengths uniform
in 1..L from ``default_rng(seed + 30000)`` (the held-out sets use +10000 and
+20000), where L = n (reference) or the paper protocol's longest length
n + n // 5 (paper); bits uniform, targets by the protocol (product of the +-1
bits; 1 odd / 0 even number of +1 bits).  Whatever the regime, "solved" is
judged on the fixed set, so it means the same in every row.

Arrays are padded to the protocol's longest length (n, or n + n // 5) whatever
the lengths drawn, so a restart's arrays - and results - do not depend on which
other restarts share a call.

Cost: a forward step of one sequence counts 1 and its backward step 2, so an
epoch costs ``3 * sum(lengths)`` sequence-steps.  Success checks after each
epoch are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import Dataset, PaperDataset, paper_length_range
from ..protocols import training_set
from .spec import GradientSpec

VARIABLE_SEED_OFFSET = 30_000
STEP_COST = 3
"""Sequence-steps per sequence per time step of training: forward 1 + backward 2."""


@dataclass(frozen=True)
class Arrays:
    """B padded sequences: ``x`` float64 (B, L) (0 after each length), ``lengths`` int64 (B,),
    ``target`` float64 (B,)."""

    x: np.ndarray
    lengths: np.ndarray
    target: np.ndarray


def max_length(spec: GradientSpec) -> int:
    """The longest sequence the protocol draws: the padded length of every array."""
    return paper_length_range(spec.n)[1] if spec.protocol == "paper" else spec.n


def fixed_set(spec: GradientSpec, seed: int) -> Dataset:
    """The random search's training set for restart ``seed``."""
    return training_set(np.random.default_rng(seed), spec.search_spec(seed))


def variable_set(spec: GradientSpec, seed: int) -> Dataset:
    """``spec.training_size`` sequences of random lengths 1..max_length from ``seed + 30000``."""
    rng = np.random.default_rng(seed + VARIABLE_SEED_OFFSET)
    count, top = spec.training_size, max_length(spec)
    lengths = rng.integers(1, top, size=count, endpoint=True)
    bits = rng.choice([-1, 1], size=(count, top))
    inside = np.arange(top) < lengths[:, None]
    bits = np.where(inside, bits, 0)
    odd = (bits == 1).sum(axis=1) % 2
    x = np.ascontiguousarray(bits.T.astype(np.float64))
    if spec.protocol == "paper":
        return PaperDataset(x=x, lengths=lengths.astype(np.int64), target=odd.astype(np.float64))
    target = np.where(inside, bits, 1).prod(axis=1).astype(np.float64)
    return Dataset(x=x, lengths=lengths.astype(np.int64), target=target)


def training_data(spec: GradientSpec, seed: int) -> Dataset:
    """What restart ``seed`` trains on in ``spec.regime``."""
    return fixed_set(spec, seed) if spec.regime == "fixed" else variable_set(spec, seed)


def arrays(data: Dataset, length: int) -> Arrays:
    """A :class:`Dataset` (time-major) -> batch-major arrays padded to ``length`` steps.

    Paper data must be ``order="layered"``, ``readout="last"``: the only variant the JAX
    nets implement (the only one that can solve with the output read at the last input).
    """
    if isinstance(data, PaperDataset) and (data.order, data.readout) != ("layered", "last"):
        raise ValueError(
            f"the gradient nets run order='layered', readout='last' only; "
            f"got order={data.order!r}, readout={data.readout!r}"
        )
    x = np.zeros((data.size, length))
    x[:, : data.max_length] = data.x.T
    return Arrays(
        x=x, lengths=np.asarray(data.lengths, dtype=np.int64), target=data.target.astype(float)
    )


def epoch_cost(data: Dataset) -> int:
    """Sequence-steps of one training epoch: ``3 * sum(lengths)``."""
    return STEP_COST * int(np.sum(data.lengths))
