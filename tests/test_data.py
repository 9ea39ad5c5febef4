"""Training and held-out data follow the documented protocols."""

import numpy as np
import pytest

from rsparity.data import (
    Dataset,
    all_sequences,
    heldout_set,
    long_heldout_set,
    reference_training_set,
)
from rsparity.errors import InputError


def test_reference_training_set_is_rng_choice():
    data = reference_training_set(np.random.default_rng(5), 7, 30)
    bits = np.random.default_rng(5).choice([-1, 1], size=(30, 7))
    assert np.array_equal(data.x, bits.T)
    assert np.array_equal(data.target, bits.prod(axis=1))
    assert np.all(data.lengths == 7)


def test_all_sequences_enumerates_every_pattern_once():
    bits = all_sequences(10)
    assert bits.shape == (1024, 10)
    assert len({row.tobytes() for row in bits}) == 1024
    assert set(np.unique(bits)) == {-1, 1}


def test_all_refuses_large_n():
    with pytest.raises(InputError, match="n <= 22"):
        all_sequences(23)


def test_all_draws_nothing_from_the_generator():
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    reference_training_set(rng, 4, "all")
    assert rng.bit_generator.state == state


def test_heldout_sets_use_their_own_seeds_and_lengths():
    held = heldout_set(3, 20)
    assert held.size == 4096 and held.max_length == 20
    want = np.random.default_rng(10_003).choice([-1, 1], size=(4096, 20))
    assert np.array_equal(held.x, want.T)
    long = long_heldout_set(3, 20)
    assert long.size == 1024 and long.max_length == 200
    assert 0.45 < (long.target == 1).mean() < 0.55


def test_plus_minus_one_marks_each_sequence_without_other_inputs():
    """Padding after a length is not an input; a 0.0 or a noisy value inside one is."""
    x = np.array([[1.0, -1.0, 1.0, 0.0], [-1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.5, 0.0]])
    data = Dataset(x=x, lengths=np.array([3, 1, 3, 0]), target=np.zeros(4))
    assert data.plus_minus_one.tolist() == [True, True, False, True]
