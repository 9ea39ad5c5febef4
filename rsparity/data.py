"""Training and held-out parity data.

A :class:`Dataset` holds B sequences of +-1 bits, padded to the longest length,
with per-sequence lengths and targets.  The reference protocol
(``seed-protocol.md``) draws the training set first from the same generator that
later draws the weights, so :func:`reference_training_set` takes that generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError

MAX_ENUMERATE_N = 22
HELDOUT_SIZE = 4096
HELDOUT_SEED_OFFSET = 10_000
LONG_SIZE = 1024
LONG_FACTOR = 10
LONG_SEED_OFFSET = 20_000


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
