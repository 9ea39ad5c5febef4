"""The trace: real per-trial training accuracies, replaying the engine's trial stream."""

import numpy as np
import pytest
from reference_impl import trial_correct

from rsparity.engine import open_stream, search
from rsparity.spec import SearchSpec
from rsparity.trace import (
    SCHEMA,
    best_so_far,
    correct_counts,
    read_trace,
    sampled,
    trace_search,
    write_trace,
)

# Small B makes spurious solvers common: these solve within 900-7,300 trials.
SMALL = [SearchSpec(n=10, sample_size=64, seed=s, max_trials=20_000) for s in (0, 3, 4, 6)]


def _strip(trace):
    return {k: v for k, v in trace.items() if k != "timing"}


def _check_shape(trace, spec):
    b = trace["sample_size"]
    assert trace["schema"] == SCHEMA and trace["params"] == spec.as_params()
    best_t, best_c = trace["best"]["trial"], trace["best"]["correct"]
    assert best_t[0] == 1
    assert all(x < y for x, y in zip(best_t, best_t[1:], strict=False))
    assert all(x < y for x, y in zip(best_c, best_c[1:], strict=False))
    assert all(0 <= c <= b for c in best_c)
    want = [1] + list(range(trace["every"], trace["trials"] + 1, trace["every"]))
    assert trace["sampled"]["trial"] == sorted(set(want))
    assert sum(trace["histogram"]["count"]) == trace["trials"]
    assert max(trace["histogram"]["correct"]) == best_c[-1]
    if trace["solved"]:
        assert best_t[-1] == trace["trials"] and best_c[-1] == b
        assert trace["histogram"]["correct"][-1] == b and trace["histogram"]["count"][-1] == 1
    else:
        assert best_c[-1] < b


@pytest.mark.parametrize("spec", SMALL, ids=lambda s: f"seed{s.seed}")
@pytest.mark.parametrize("method", ["loop", "automaton"])
def test_solve_index_equals_engine(spec, method):
    trace = trace_search(spec, every=7, method=method)
    got = search(spec)
    assert trace["solved"] == got.solved and trace["trials"] == got.trials
    _check_shape(trace, spec)


def test_unsolved_trace_runs_to_max_trials():
    spec = SearchSpec(arch="nodiag", n=30, sample_size=600, max_trials=1500, seed=0)
    trace = trace_search(spec, every=100)
    assert not trace["solved"] and trace["trials"] == 1500 == search(spec).trials
    _check_shape(trace, spec)


def test_headline_trace():
    """Reference: ~50 % for thousands of trials, a plateau near 74 % around trial
    3,700, then 100 % at trial 10,253."""
    spec = SearchSpec()
    trace = trace_search(spec)
    assert trace["solved"] and trace["trials"] == 10_253 == search(spec).trials
    _check_shape(trace, spec)
    t, acc = best_so_far(trace)
    assert t[-2] == 3730 and abs(acc[-2] - 0.74) < 0.01 and acc[-1] == 1.0
    st, sacc = sampled(trace)
    assert st.size == 1 + 10_253 // 10
    assert abs(np.median(sacc) - 0.5) < 0.02


def test_sampled_accuracies_equal_plain_implementation():
    spec = SearchSpec(n=20, sample_size=300, seed=3, max_trials=400)
    trace = trace_search(spec, every=37)
    stream = open_stream(spec)
    x = stream.data.x.T.astype(int)
    y = stream.data.target
    for k, c in list(zip(trace["sampled"]["trial"], trace["sampled"]["correct"], strict=True))[:6]:
        w = stream.draws(k, 1)[0]
        assert trial_correct(x, y, w, spec.hidden, nodiag=False).sum() == c


SPECS = [
    SearchSpec(n=50, sample_size=700, seed=1),
    SearchSpec(arch="nodiag", n=40, sample_size=600, seed=2),
    SearchSpec(n=12, hidden=1, sample_size=800, seed=3),
    SearchSpec(n=9, hidden=3, weight_scale=5.0, sample_size=500, seed=4),
    SearchSpec(n=9, sample_size="all", seed=5),
    SearchSpec(n=60, weight_scale=2.0, sample_size=512, seed=6),
]


@pytest.mark.parametrize(
    "spec", SPECS, ids=lambda s: f"{s.arch}-n{s.n}-h{s.hidden}-r{s.weight_scale}"
)
def test_automaton_path_equals_time_loop(spec):
    stream = open_stream(spec)
    fast = correct_counts(stream, 1, 600, method="automaton")
    slow = correct_counts(stream, 1, 600, method="loop")
    assert np.array_equal(fast, slow)


def test_block_and_chunk_do_not_change_the_trace():
    spec = SMALL[3]
    base = _strip(trace_search(spec))
    assert _strip(trace_search(spec, block=7, chunk=5)) == base
    assert _strip(trace_search(spec, block=333, method="automaton")) == base


def test_write_read_roundtrip(tmp_path):
    trace = trace_search(SMALL[0])
    path = tmp_path / "trace.json"
    write_trace(trace, path)
    assert read_trace(path) == trace
    path.write_text('{"schema": "other"}')
    with pytest.raises(ValueError):
        read_trace(path)


@pytest.mark.parametrize("noise", [0.0, 0.2])
@pytest.mark.parametrize("seed", [3, 4])
def test_paper_nets_trace_on_both_paths(seed, noise):
    """The automaton serves the paper nets too, except on noisy inputs (not +-1)."""
    spec = SearchSpec(
        arch="A1",
        n=3,
        hidden=1,
        weight_scale=100.0,
        sample_size=8,
        max_trials=5000,
        seed=seed,
        noise=noise,
    )
    stream = open_stream(spec)
    assert stream.arch.automaton_applies(stream.data) == (noise == 0)
    got = search(spec)
    for method in ("loop", "automaton"):
        trace = trace_search(spec, method=method)
        assert trace["solved"] == got.solved and trace["trials"] == got.trials
        _check_shape(trace, spec)
    assert _strip(trace_search(spec, method="loop")) == _strip(trace)
