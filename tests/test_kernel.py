"""The compiled kernel (rsparity.kernel) against the numpy path and the plain protocols.

The exactness rule: whatever path scores the trials, every search finds the same first
solver (index, weights), the same sequence-steps and the same accuracies.  The plain
protocols (reference_impl, reference_paper) are the independent oracle; the numpy
path is compared trial by trial, on many seeds of every net, order, read-out and variant.
"""

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from reference_impl import plain_search_steps, split_weights
from reference_paper import assert_weights, plain_for, split
from test_engine import CASES, REFERENCE_COUNTS
from test_paper_variants import VARIANT_CASES

from rsparity import engine, kernel
from rsparity.data import VARIANTS
from rsparity.nets import ARCHITECTURES
from rsparity.record import DETERMINISTIC_KEYS, build_record
from rsparity.report import KERNEL_EQUALITY_SEEDS
from rsparity.spec import SearchSpec


@pytest.fixture(autouse=True)
def kernel_everywhere(monkeypatch):
    """These tests run the kernel also where the engine would not (short reference
    sequences, where the numpy path is faster), to test it there too."""
    monkeypatch.setattr(kernel, "MIN_REFERENCE_STEPS", 0)


@pytest.fixture
def compiled(monkeypatch):
    """Searches use the kernel from their first block (not only after LOAD_AFTER_S)."""
    monkeypatch.setattr(kernel, "LOAD_AFTER_S", 0.0)


def _compiled_search(spec, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(kernel, "LOAD_AFTER_S", 0.0)
        return engine.search(spec)


def _numpy_search(spec, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(kernel, "compiled", lambda: None)
        return engine.search(spec)


def test_every_net_has_a_lowering():
    """A new net without one would silently run on the numpy path only."""
    assert set(kernel.LOWERINGS) == set(ARCHITECTURES)


# ------------------------------------------------------------ against the plain protocols


@pytest.mark.parametrize("n,b,seed,trials", REFERENCE_COUNTS)
def test_reference_trial_counts_on_the_kernel(n, b, seed, trials, compiled):
    got = engine.search(SearchSpec(n=n, sample_size=b, seed=seed))
    assert got.solved and got.trials == trials


@pytest.mark.parametrize("spec", CASES, ids=lambda s: f"{s.arch}-n{s.n}-h{s.hidden}-s{s.seed}")
def test_kernel_equals_plain_reference_protocol(spec, compiled):
    nodiag = spec.arch == "nodiag"
    want_k, want_w, want_steps = plain_search_steps(
        spec.seed, spec.n, spec.hidden, spec.weight_scale, spec.sample_size, spec.max_trials, nodiag
    )
    got = engine.search(spec)
    assert (got.solved, got.trials, got.sequence_steps) == (
        want_k is not None,
        spec.max_trials if want_k is None else want_k,
        want_steps,
    )
    if want_k is not None:
        names = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
        for name, want in zip(names, split_weights(want_w, spec.hidden, nodiag), strict=True):
            assert np.array_equal(got.weights[name][0], want), name


@pytest.mark.parametrize("spec", VARIANT_CASES, ids=lambda s: f"{s.arch}-{s.variant}-s{s.seed}")
def test_kernel_equals_plain_paper_protocol(spec, compiled):
    want_k, want_w, want_steps = plain_for(spec)
    got = engine.search(spec)
    assert got.sequence_steps == want_steps
    assert got.trials == (spec.max_trials if want_k is None else want_k)
    if want_k is not None:
        assert_weights(got.weights, split(spec.arch, want_w, spec.hidden))


# ------------------------------------------------------------ against the numpy path


def _settings():
    """Every net, order, read-out and allowed variant, with and without noise, on short
    sequences and few of them (fast settings where solvers are common)."""
    paper = {"n": 10, "sample_size": 6, "weight_scale": 100.0, "max_trials": 800}
    out = [
        {"arch": "full", "n": 6, "hidden": 2, "sample_size": 8},
        {"arch": "full", "n": 8, "hidden": 3, "weight_scale": 10.0, "sample_size": 8},
        {"arch": "full", "n": 5, "hidden": 1, "weight_scale": 3.0, "sample_size": 6},
        {"arch": "nodiag", "n": 5, "hidden": 2, "sample_size": 8},
    ]
    out = [{"weight_scale": 30.0, "max_trials": 1500, **s} for s in out]
    for arch, hidden in (("A1", 1), ("A1", 2), ("A2", 3), ("A2noself", 3)):
        for order in ("layered", "sync"):
            for readout in ("last", "extra"):
                out.append({**paper, "arch": arch, "hidden": hidden, "order": order,
                            "readout": readout})  # fmt: skip
        out.append({**paper, "arch": arch, "hidden": hidden, "noise": 0.2})
        if arch == "A1" and hidden == 1:
            continue  # some variants never solve with one hidden unit: A1 H = 2 has them
        for variant in VARIANTS[1:]:
            if ARCHITECTURES[arch].refusal(variant, 100.0) is None:
                out.append({**paper, "arch": arch, "hidden": hidden, "variant": variant})
    # A2noself without output feedback solves rarely: shorter sequences, fewer of them
    rare = {"arch": "A2noself", "hidden": 3, "variant": "no_output_feedback"}
    out[out.index({**paper, **rare})].update(n=6, sample_size=4, max_trials=5000)
    return out


SETTINGS = _settings()
SEEDS_EACH = -(-KERNEL_EQUALITY_SEEDS // len(SETTINGS))
"""At least KERNEL_EQUALITY_SEEDS seeds in all, spread over every setting."""


def _deterministic(spec, outcome):
    record = build_record(spec, outcome)
    return {k: record[k] for k in DETERMINISTIC_KEYS}


@pytest.mark.slow
@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_kernel_equals_numpy_path_on_many_seeds(setting, monkeypatch):
    """First solver, weights, sequence-steps and every accuracy of the record, seed by
    seed, for SEEDS_EACH seeds of each setting (>= KERNEL_EQUALITY_SEEDS in all)."""
    solved = 0
    for seed in range(SEEDS_EACH):
        spec = SearchSpec(**setting, seed=seed)
        fast, slow = _compiled_search(spec, monkeypatch), _numpy_search(spec, monkeypatch)
        assert _deterministic(spec, fast) == _deterministic(spec, slow), seed
        solved += fast.solved
    assert 0 < solved, "a setting that never solves tests only half of the path"


def test_the_settings_cover_every_net_variant_and_at_least_1000_seeds():
    assert len(SETTINGS) * SEEDS_EACH >= KERNEL_EQUALITY_SEEDS >= 1000
    assert {s["arch"] for s in SETTINGS} == set(ARCHITECTURES)
    assert {s.get("variant", "none") for s in SETTINGS} == set(VARIANTS)


@pytest.mark.parametrize("setting", SETTINGS[::3], ids=lambda s: "-".join(map(str, s.values())))
def test_every_trial_verdict_and_cost_equals_the_numpy_path(setting):
    """Not only the first solver: every trial of a block, solver or not, and its
    sequence-steps (what the budget of the gradient study is made of)."""
    stream = engine.open_stream(SearchSpec(**setting, seed=3))
    params = stream.params(1, 3000)
    status, spent = kernel.scan(stream.arch, params, stream.data)
    alive, want = engine.numpy_survivors(stream.arch, params, stream.data, 1024)
    sure = status != kernel.UNSURE
    right = np.isin(np.arange(3000), alive)
    assert np.array_equal((status == kernel.PASS)[sure], right[sure])
    fail = status == kernel.FAIL
    assert np.array_equal(spent[fail], want[fail])
    assert sure.mean() > 0.99 and fail.any()


LONG = [
    {"arch": "full", "n": 41, "hidden": 3, "weight_scale": 10.0, "sample_size": 16},
    {"arch": "A2", "n": 31, "hidden": 3, "weight_scale": 100.0, "sample_size": 8},
    {"arch": "A1", "n": 31, "hidden": 2, "weight_scale": 100.0, "sample_size": 8,
     "readout": "extra"},
]  # fmt: skip
"""Longer sequences (odd and even lengths), where trials fill small transition tables."""


@pytest.mark.parametrize("cap", [1, 2, 8, kernel.MEMO_STATES])
@pytest.mark.parametrize("setting", LONG, ids=lambda s: s["arch"])
def test_a_full_transition_table_mid_sequence_keeps_every_verdict(setting, cap, monkeypatch):
    """Past ``MEMO_STATES`` a trial steps directly from the state it has reached, also
    in the middle of a pair of inputs: every verdict and cost still equals the numpy
    path's, for tables that fill at once (1 state), early or never."""
    monkeypatch.setattr(kernel, "MEMO_STATES", cap)
    stream = engine.open_stream(SearchSpec(**setting, seed=2))
    params = stream.params(1, 2000)
    status, spent = kernel.scan(stream.arch, params, stream.data)
    alive, want = engine.numpy_survivors(stream.arch, params, stream.data, 1024)
    sure = status != kernel.UNSURE
    assert np.array_equal((status == kernel.PASS)[sure], np.isin(np.arange(2000), alive)[sure])
    fail = status == kernel.FAIL
    assert np.array_equal(spent[fail], want[fail]) and sure.mean() > 0.99


def _program(setting, trials):
    """(stream, effective params, program) of ``trials`` trials of a setting."""
    stream = engine.open_stream(SearchSpec(**setting, seed=5))
    return stream, *kernel.lower(stream.arch, stream.params(1, trials), stream.data)


def test_the_families_run_their_own_steps():
    """(Else they would silently run the slower term-table step.)"""
    steps = {s["arch"]: _program(s, 1)[2].step for s in SETTINGS}
    reference, a1, a2 = kernel.REFERENCE_STEP, kernel.A1_STEP, kernel.A2_STEP
    assert steps == {"full": reference, "nodiag": reference, "A1": a1, "A2": a2, "A2noself": a2}


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_each_family_step_equals_the_term_table_step(setting):
    """Bit for bit, from states of random unit values (not only saturated ones, where a
    changed fold order would not show) and every input the data can hold."""
    from rsparity import _kernel_numba as nb

    _, params, program = _program(setting, 40)
    family, terms = nb.STEPS[program.step], nb.STEPS[kernel.TERMS]
    flat, units = program.flat(params), program.count.size
    rng = np.random.default_rng(0)
    for t in range(40):
        w = flat[t][program.index] * program.scale
        for xv in (-1.0, 1.0, 0.0, rng.normal()):
            old = rng.uniform(-1.0, 1.0, units) * rng.choice([1e-3, 1.0, 30.0])
            out = []
            for step in (family, terms):
                new, vals = np.zeros(units), np.zeros(2 + 2 * units)
                vals[0] = 1.0
                step(program.layered, w, program.source, program.count, program.activation,
                     vals, old, new, xv)  # fmt: skip
                out.append(new)
            assert np.array_equal(out[0], out[1]), (t, xv)


@pytest.mark.parametrize("setting", SETTINGS[::2], ids=lambda s: "-".join(map(str, s.values())))
def test_the_term_table_scan_equals_each_family_scan(setting):
    """Every trial's status and sequence-steps, whichever step the scan was compiled with
    (the term table's is what a net without a family step runs)."""
    stream, params, program = _program(setting, 2000)
    flat = program.flat(params)
    ours, terms = (kernel.run(program, flat, stream.data, s) for s in (None, kernel.TERMS))
    assert np.array_equal(ours[0], terms[0]) and np.array_equal(ours[1], terms[1])
    assert (ours[0] == kernel.FAIL).any()


@pytest.mark.skipif(
    np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps, reason="no extended precision"
)
def test_the_kernels_tanh_is_as_close_to_the_true_tanh_as_libms():
    """The kernel's units take tanh from libm's exp from |a| = 1 on: checked against tanh
    in extended precision (np.longdouble) on [-20, 20] and around the switch at |a| = 1,
    with the bound libm's own tanh meets here (2 ulp; numpy's is 1).  A wrong sign,
    branch or formula would be off by far more; ``MARGIN`` covers ~1e9 ulp."""
    from numba import njit

    from rsparity import _kernel_numba as nb

    @njit
    def units(a, activation):
        out = np.empty_like(a)
        for i in range(a.size):
            out[i] = nb._unit(a[i], activation)
        return out

    rng = np.random.default_rng(0)
    near_one = rng.uniform(0.999, 1.001, 20_000)
    a = np.concatenate([rng.uniform(-20, 20, 200_000), near_one, -near_one, [1.0, -1.0]])
    true = np.tanh(a.astype(np.longdouble)).astype(np.float64)

    def ulps(got):
        return np.abs(got.view(np.int64) - true.view(np.int64))

    libm = np.array([math.tanh(v) for v in a])
    ours = units(a, kernel.TANH)
    assert ulps(libm).max() <= 2 and ulps(ours).max() <= 2
    assert np.array_equal(units(a, kernel.LOGISTIC2), ours + 1.0)


def test_unsure_verdicts_go_to_the_numpy_path(monkeypatch):
    """With every verdict too close to call, the numpy path decides every trial."""
    spec = SearchSpec(**SETTINGS[0], seed=3)  # solves at trial 1,118
    want = _numpy_search(spec, monkeypatch)
    assert want.solved
    monkeypatch.setattr(kernel, "MARGIN", 1e300)
    stream = engine.open_stream(spec)
    status, _ = kernel.scan(stream.arch, stream.params(1, 100), stream.data)
    assert np.all(status == kernel.UNSURE)
    got = _compiled_search(spec, monkeypatch)
    assert (got.trials, got.sequence_steps) == (want.trials, want.sequence_steps) and got.solved


def test_a_false_solver_of_the_kernel_is_not_reported(monkeypatch):
    """Every solver the kernel reports is re-checked on the numpy path: a kernel that
    called every trial right still yields the numpy path's first solver and cost."""
    spec = SearchSpec(**SETTINGS[0], seed=3)  # solves at trial 1,118
    want = _numpy_search(spec, monkeypatch)
    assert want.solved

    def everything_right(arch, params, data):
        count = next(iter(params.values())).shape[0]
        return np.full(count, kernel.PASS), np.zeros(count, dtype=np.int64)

    monkeypatch.setattr(kernel, "scan", everything_right)
    stream = engine.open_stream(spec)
    found, _ = engine.scan_block(stream, 1, spec.max_trials, 1024)
    assert found == want.trials


def test_the_kernel_takes_only_what_it_is_faster_at(monkeypatch):
    """The reference nets on short sequences stay on the numpy path (measured faster),
    without loading numba; long ones and the paper nets take the kernel."""
    monkeypatch.undo()
    short = engine.open_stream(SearchSpec(n=50, sample_size=64, seed=0))
    long = engine.open_stream(SearchSpec(n=kernel.MIN_REFERENCE_STEPS, sample_size=8, seed=0))
    paper = engine.open_stream(SearchSpec(arch="A1", hidden=1, n=5, sample_size=4, seed=0))
    assert (
        not kernel.wins(short.arch, short.data)
        and kernel.scan(short.arch, short.params(1, 4), short.data) is None
    )
    assert kernel.wins(long.arch, long.data) and kernel.wins(paper.arch, paper.data)
    assert kernel.scan(paper.arch, paper.params(1, 4), paper.data) is not None
    monkeypatch.setattr(kernel, "_COMPILED", None)
    monkeypatch.setattr(kernel, "LOAD_AFTER_S", 0.0)
    engine.search(SearchSpec(n=50, sample_size=64, seed=0, max_trials=3000))
    assert not kernel.loaded()


def test_a_short_search_does_not_load_the_kernel(monkeypatch):
    """Loading costs ~0.6 s: a search shorter than LOAD_AFTER_S stays on numpy."""
    calls = []
    monkeypatch.setattr(kernel, "_COMPILED", None)
    monkeypatch.setattr(kernel, "scan", lambda *a: calls.append(1))
    engine.search(SearchSpec(n=10, sample_size=16, seed=2, max_trials=200))
    assert calls == []


# ------------------------------------------------------------ loading


def _python(code, **env):
    import os

    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


SEARCH = """
    import json, sys
    from rsparity import engine, kernel
    kernel.LOAD_AFTER_S, kernel.MIN_REFERENCE_STEPS = 0.0, 0
    out = engine.search(engine.SearchSpec(n=50, sample_size=2048, seed=2))
    print(json.dumps([out.trials, sys.modules.get("numba") is not None, kernel.loaded()]))
"""


def test_without_numba_the_package_searches_on_numpy():
    block = "import sys; sys.modules['numba'] = None\n"
    trials, numba, loaded = json.loads(_python(block + textwrap.dedent(SEARCH)))
    assert (trials, numba, loaded) == (178, False, False)


def test_importing_the_package_or_the_cli_does_not_load_numba():
    code = (
        "import sys, rsparity.engine, rsparity.cli, rsparity.record; print('numba' in sys.modules)"  # noqa: E501
    )
    assert _python(code).strip() == "False"


def test_a_fresh_process_loads_the_compiled_kernel_without_compiling():
    code = """
        import json
        from rsparity import engine, kernel
        hits = misses = 0
        for arch, hidden, n in (("A1", 1, 5), ("A2", 3, 5), ("full", 2, 300)):
            spec = engine.SearchSpec(arch=arch, hidden=hidden, n=n, sample_size=4, seed=0)
            stream = engine.open_stream(spec)
            assert kernel.scan(stream.arch, stream.params(1, 2), stream.data) is not None
        for scan in kernel.compiled():
            hits += sum(scan.stats.cache_hits.values())
            misses += sum(scan.stats.cache_misses.values())
        print(json.dumps([hits, misses]))
    """
    _python(code)  # compiles if this checkout has no cache yet
    hits, misses = json.loads(_python(code))
    assert (hits, misses) == (3, 0)  # one scan per family, each loaded


def test_the_kernel_environment_switch_keeps_the_numpy_path():
    trials, numba, loaded = json.loads(_python(SEARCH, RSPARITY_KERNEL="numpy"))
    assert (trials, numba, loaded) == (178, False, False)
