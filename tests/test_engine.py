"""The engine against the plain protocol, and its invariance to batching."""

import numpy as np
import pytest
from reference_impl import plain_search, plain_search_steps, split_weights

from rsparity.data import all_sequences
from rsparity.engine import open_stream, search
from rsparity.spec import SearchSpec

# Small B makes spurious "solvers" common, so these cases exercise every
# architecture and hidden size within a few thousand trials.
CASES = [
    SearchSpec(
        arch="full", n=6, hidden=1, weight_scale=30.0, sample_size=16, max_trials=4000, seed=0
    ),
    SearchSpec(
        arch="full", n=8, hidden=2, weight_scale=30.0, sample_size=32, max_trials=4000, seed=1
    ),
    SearchSpec(
        arch="full", n=10, hidden=2, weight_scale=30.0, sample_size=64, max_trials=6000, seed=2
    ),
    SearchSpec(
        arch="full", n=12, hidden=3, weight_scale=10.0, sample_size=24, max_trials=6000, seed=3
    ),
    SearchSpec(
        arch="full", n=7, hidden=2, weight_scale=3.0, sample_size=12, max_trials=3000, seed=4
    ),
    SearchSpec(
        arch="nodiag", n=6, hidden=2, weight_scale=30.0, sample_size=12, max_trials=6000, seed=5
    ),
    SearchSpec(
        arch="nodiag", n=8, hidden=3, weight_scale=30.0, sample_size=12, max_trials=6000, seed=6
    ),
    SearchSpec(
        arch="nodiag", n=5, hidden=1, weight_scale=30.0, sample_size=8, max_trials=3000, seed=7
    ),
    SearchSpec(
        arch="full", n=20, hidden=2, weight_scale=30.0, sample_size=3, max_trials=50, seed=8
    ),
]


def _id(spec):
    return f"{spec.arch}-n{spec.n}-h{spec.hidden}-r{spec.weight_scale:g}-s{spec.seed}"


@pytest.mark.parametrize("spec", CASES, ids=_id)
def test_engine_equals_plain_protocol(spec):
    nodiag = spec.arch == "nodiag"
    want_k, want_w, want_steps = plain_search_steps(
        spec.seed, spec.n, spec.hidden, spec.weight_scale, spec.sample_size, spec.max_trials, nodiag
    )
    got = search(spec)
    assert got.sequence_steps == want_steps
    assert got.solved == (want_k is not None)
    if want_k is None:
        assert got.trials == spec.max_trials and got.weights is None
        return
    assert got.trials == want_k
    p = got.weights
    w_xh, w_hh, b_h, w_hy, b_y = split_weights(want_w, spec.hidden, nodiag)
    for name, want in zip(
        ("W_xh", "W_hh", "b_h", "W_hy", "b_y"), (w_xh, w_hh, b_h, w_hy, b_y), strict=True
    ):
        assert np.array_equal(p[name][0], want), name


def test_some_cases_solve_and_some_do_not():
    """Guard against a case list that never exercises one of the two branches."""
    solved = [search(spec).solved for spec in CASES]
    assert any(solved) and not all(solved)


def test_enumerated_training_set_equals_plain_protocol():
    spec = SearchSpec(n=8, sample_size="all", max_trials=100_000, seed=11)
    want_k, _ = plain_search(11, 8, 2, 30.0, None, 100_000, X=all_sequences(8).astype(int))
    got = search(spec)
    assert got.solved and got.trials == want_k


@pytest.mark.parametrize(
    "block,chunk,workers",
    [(1, 1, 1), (7, 3, 1), (1000, 50, 1), (16384, 8192, 1), (333, 1, 2), (4096, 100_000, 2)],
)
def test_invariant_to_block_chunk_and_workers(block, chunk, workers):
    base = search(SearchSpec(n=10, sample_size=64, seed=3, max_trials=20_000))
    got = search(
        SearchSpec(n=10, sample_size=64, seed=3, max_trials=20_000),
        block=block,
        chunk=chunk,
        workers=workers,
    )
    assert base.solved
    assert got.trials == base.trials
    assert got.sequence_steps == base.sequence_steps
    assert all(np.array_equal(got.weights[k], base.weights[k]) for k in base.weights)


@pytest.mark.parametrize("workers", [1, 2])
def test_unsolved_reports_max_trials(workers):
    got = search(SearchSpec(arch="nodiag", n=50, max_trials=3000, seed=0), workers=workers)
    assert not got.solved and got.trials == 3000 and got.weights is None


def test_block_draws_equal_sequential_draws():
    """Jumping with PCG64.advance gives the same weights as drawing trial by trial."""
    spec = SearchSpec(n=5, sample_size=10, seed=9)
    stream = open_stream(spec)
    rng = np.random.default_rng(9)
    rng.choice([-1, 1], size=(10, 5))
    sequential = np.stack([rng.uniform(-30, 30, size=stream.n_weights) for _ in range(40)])
    assert np.array_equal(stream.draws(1, 40), sequential)
    assert np.array_equal(stream.draws(17, 5), sequential[16:21])


# The reference README's trial counts (its tables; README.md reference 1).
REFERENCE_COUNTS = [
    (50, 2048, 0, 10_253),
    (50, 2048, 1, 26_115),
    (50, 2048, 2, 178),
    (50, 2048, 3, 6_829),
    (50, 2048, 4, 10_756),
    (20, 4096, 0, 2_218),
    (100, 2048, 0, 438),
    (200, 2048, 0, 35_233),
    (500, 1024, 0, 412),
]


@pytest.mark.parametrize("n,b,seed,trials", REFERENCE_COUNTS)
def test_reference_trial_counts(n, b, seed, trials):
    got = search(SearchSpec(n=n, sample_size=b, seed=seed))
    assert got.solved and got.trials == trials


def test_reference_n500_ten_seed_range():
    """Reference: across 10 N=500 seeds all solve, range 412-33,933 trials."""
    counts = [search(SearchSpec(n=500, sample_size=1024, seed=s)).trials for s in range(10)]
    assert min(counts) == 412 and max(counts) == 33_933
