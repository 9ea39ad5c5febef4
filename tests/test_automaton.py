"""A parity automaton built by hand scores 100 % at any length.

Reasoning: let p be the running parity (+1 even, -1 odd) and decode it from
the two saturated units as p = h1 + h2 + 1 (h = (0, 0) at the start gives
p = +1; afterwards at most one unit is +1).  Unit 1 computes "p = +1 and
x = +1", unit 2 "p = -1 and x = -1"; the new parity p*x is +1 exactly when one
of them fires.  Pre-activations k(h1 + h2 + x) and k(-h1 - h2 - x - 2) are
odd multiples of k, so with k = 25 every tanh is exactly +-1.0 and the
automaton never drifts.  The readout is sign(h1 + h2 + 1) = p.
"""

import numpy as np
import pytest

from rsparity.data import heldout_set, long_heldout_set, reference_training_set
from rsparity.engine import accuracy
from rsparity.nets import get_architecture

K = 25.0
AUTOMATON = {
    "W_xh": np.array([[K, -K]]),
    "W_hh": np.array([[[K, -K], [K, -K]]]),
    "b_h": np.array([[0.0, -2 * K]]),
    "W_hy": np.array([[1.0, 1.0]]),
    "b_y": np.array([[1.0]]),
}


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_automaton_is_perfect(n):
    arch = get_architecture("full")
    train = reference_training_set(np.random.default_rng(0), n, 2048)
    for data in (train, heldout_set(0, n), long_heldout_set(0, n)):
        assert accuracy(arch, AUTOMATON, data) == 1.0


def test_broken_automaton_is_at_chance():
    """The accuracy check can fail: flip the readout bias and the net is wrong on odd parity."""
    arch = get_architecture("full")
    broken = dict(AUTOMATON, b_y=np.array([[-1.5]]))
    acc = accuracy(arch, broken, heldout_set(0, 100))
    assert 0.4 < acc < 0.6
