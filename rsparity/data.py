"""Training and held-out parity data.

A :class:`Dataset` holds B sequences of +-1 bits, padded to the longest length,
with per-sequence lengths and targets.  The reference protocol
(README.md, "Problem") draws the training set first from the same generator that
later draws the weights, so :func:`reference_training_set` takes that generator.
The paper protocol (README.md references 2, 3) does the same with
:func:`paper_set`, whose sequences have random lengths, 0/1 targets and
optional input noise (:class:`PaperDataset`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .errors import InputError

MAX_ENUMERATE_N = 22
HELDOUT_SIZE = 4096
HELDOUT_SEED_OFFSET = 10_000
LONG_SIZE = 1024
LONG_FACTOR = 10
LONG_SEED_OFFSET = 20_000
PAPER_LONG_SIZE = 100
"""Sequences in the paper protocol's 10x-long held-out set."""
ORDERS = ("layered", "sync")
"""Paper protocol: update order of the units within one time step; the first is the default
(the only order that can solve with the output read at the last input)."""
READOUTS = ("last", "extra")
"""Paper protocol: read the output after the last input, or after one more step with input 0."""
VARIANTS = (
    "none",
    "no_output_bias",
    "no_output_self",
    "no_hidden_self",
    "no_self_loops",
    "input_hidden_only",
    "no_output_feedback",
    "inputs01",
    "threshold",
    "bias_range_1",
)
"""Paper protocol: one detail of the nets the paper leaves open, or "none" (the default);
each is described in :mod:`rsparity.nets.paper`."""


@dataclass(frozen=True)
class Dataset:
    """B sequences, time-major for fast per-step access.

    ``x``: float64 (L, B) inputs in {-1, +1}, zero-padded after each length;
    ``lengths``: int (B,); ``target``: float64 (B,), the protocol's parity
    target (the reference's: the product of the bits, +-1).
    """

    x: np.ndarray
    lengths: np.ndarray
    target: np.ndarray

    @property
    def size(self) -> int:
        return int(self.target.size)

    @property
    def max_length(self) -> int:
        return int(self.x.shape[0])

    @property
    def uniform_length(self) -> bool:
        return bool(np.all(self.lengths == self.max_length))

    @cached_property
    def plus_minus_one(self) -> np.ndarray:
        """Bool (B,): whether each sequence's inputs are all exactly -1 or +1 (no noise,
        no 0/1 inputs); computed once per set, as a solver check asks on every search."""
        inside = np.arange(self.max_length)[:, None] < self.lengths
        return np.all((np.abs(self.x) == 1.0) | ~inside, axis=0)

    def head(self, count: int) -> Dataset:
        """The first ``count`` sequences (the other fields, e.g. a paper set's options, kept)."""
        lengths = self.lengths[:count]
        longest = int(lengths.max(initial=0))
        x, target = self.x[:longest, :count], self.target[:count]
        return replace(self, x=x, lengths=lengths, target=target)

    @classmethod
    def from_bits(cls, bits: np.ndarray) -> Dataset:
        """Build from an integer (B, N) array of +-1 values, all of length N."""
        bits = np.asarray(bits)
        b, n = bits.shape
        return cls(
            x=np.ascontiguousarray(bits.T, dtype=np.float64),
            lengths=np.full(b, n, dtype=np.int64),
            target=bits.prod(axis=1).astype(np.float64),
        )


def check_sample_size(n: int, sample_size: int | str) -> None:
    """Raise :class:`InputError` unless ``sample_size`` is >= 1 or ``"all"`` with n <= 22."""
    if sample_size == "all":
        if n > MAX_ENUMERATE_N:
            raise InputError(
                f"sample_size 'all' needs n <= {MAX_ENUMERATE_N} (2^n sequences), got n={n}"
            )
        return
    if isinstance(sample_size, bool) or not isinstance(sample_size, int) or sample_size < 1:
        raise InputError(f"sample_size must be an integer >= 1 or 'all', got {sample_size!r}")


def all_sequences(n: int) -> np.ndarray:
    """All 2^n sequences of +-1 bits as an int8 (2^n, n) array, in binary order."""
    check_sample_size(n, "all")
    codes = np.arange(2**n, dtype=np.int64)[:, None]
    bits = (codes >> np.arange(n - 1, -1, -1)) & 1
    return (1 - 2 * bits).astype(np.int8)


def random_sequences(rng: np.random.Generator, count: int, n: int) -> np.ndarray:
    """``count`` random length-``n`` sequences exactly as the reference draws them."""
    return rng.choice([-1, 1], size=(count, n))


def reference_training_set(rng: np.random.Generator, n: int, sample_size: int | str) -> Dataset:
    """The reference protocol's training set; consumes ``rng`` unless ``sample_size == 'all'``."""
    check_sample_size(n, sample_size)
    if sample_size == "all":
        return Dataset.from_bits(all_sequences(n))
    return Dataset.from_bits(random_sequences(rng, sample_size, n))


def heldout_set(seed: int, n: int) -> Dataset:
    """4,096 fresh length-n sequences from ``default_rng(seed + 10000)`` (reference wording)."""
    rng = np.random.default_rng(seed + HELDOUT_SEED_OFFSET)
    return Dataset.from_bits(random_sequences(rng, HELDOUT_SIZE, n))


def long_heldout_set(seed: int, n: int) -> Dataset:
    """1,024 fresh sequences 10x longer than n from ``default_rng(seed + 20000)``."""
    rng = np.random.default_rng(seed + LONG_SEED_OFFSET)
    bits = rng.integers(0, 2, size=(LONG_SIZE, LONG_FACTOR * n), dtype=np.int8)
    return Dataset.from_bits(1 - 2 * bits)


@dataclass(frozen=True)
class PaperDataset(Dataset):
    """The paper protocol's sequences, with how the nets are run on them.

    ``x`` holds (2 * bit - 1) + noise inside each length and 0.0 after it;
    ``target`` is 1.0 for an odd number of 1 bits (+1 inputs) and 0.0 for even.
    ``order``, ``readout`` and ``variant`` (see :mod:`rsparity.nets.paper`)
    travel with the data, so every caller that gets its data from
    :mod:`rsparity.protocols` (the engine, the result record, traces and plots)
    runs the same variant of the net; ``noise`` is the amplitude already added
    to ``x``, kept for reference; ``weight_scale`` is the search's weight range
    r, which ``variant="bias_range_1"`` divides the drawn biases by.  With
    ``variant="inputs01"`` ``x`` holds ``bit + noise`` instead.
    """

    order: str = ORDERS[0]
    readout: str = READOUTS[0]
    noise: float = 0.0
    variant: str = VARIANTS[0]
    weight_scale: float = 1.0


def paper_length_range(n: int) -> tuple[int, int]:
    """Shortest and longest length of the paper protocol's sequences: n and n + n // 5."""
    return n, n + n // 5


def paper_set(
    rng: np.random.Generator,
    n: int,
    count: int,
    noise: float = 0.0,
    order: str = ORDERS[0],
    readout: str = READOUTS[0],
    variant: str = VARIANTS[0],
    weight_scale: float = 1.0,
) -> PaperDataset:
    """``count`` paper-protocol sequences of length n..n + n//5, half odd, drawn from ``rng``.

    Draws, in this order (m = n + n // 5):

    1. ``lengths = rng.integers(n, m, size=count, endpoint=True)`` (uniform in
       [n, m]; n = 500 gives 500..600);
    2. ``bits = rng.integers(0, 2, size=(count, m))``; bits at or after a
       sequence's length are discarded;
    3. only if ``noise > 0``: ``u = rng.uniform(-noise, noise, size=(count, m))``.

    Sequence i gets the class ``i % 2`` (0 even, 1 odd: alternating, so half
    of each for even ``count``), and its last bit (position ``lengths[i] - 1``)
    is set so that its number of 1 bits has that parity.  All other bits stay
    uniform, so every sequence is uniformly distributed within its class and
    length.  Inputs are ``(2 * bit - 1) + u`` inside each sequence (noise drawn
    once per data set) and 0.0 after its end; the read-out step of
    ``readout="extra"`` gets input 0.0, without noise.  ``variant="inputs01"``
    makes the inputs ``bit + u`` (0/1) instead, from the same draws.
    """
    lo, hi = paper_length_range(n)
    lengths = rng.integers(lo, hi, size=count, endpoint=True)
    bits = rng.integers(0, 2, size=(count, hi))
    inside = np.arange(hi) < lengths[:, None]
    bits[~inside] = 0
    rows = np.arange(count)
    last = lengths - 1
    target = rows % 2
    before = bits.sum(axis=1) - bits[rows, last]
    bits[rows, last] = (target - before) % 2
    inputs = (bits if variant == "inputs01" else 2 * bits - 1).astype(np.float64)
    if noise > 0:
        inputs = inputs + rng.uniform(-noise, noise, size=(count, hi))
    inputs = np.where(inside, inputs, 0.0)
    return PaperDataset(
        x=np.ascontiguousarray(inputs[:, : lengths.max()].T),
        lengths=lengths.astype(np.int64),
        target=target.astype(np.float64),
        order=order,
        readout=readout,
        noise=float(noise),
        variant=variant,
        weight_scale=float(weight_scale),
    )
