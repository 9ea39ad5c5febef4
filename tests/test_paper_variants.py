"""The paper nets' ``variant`` option: engine against the plain loop for every
variant (first solver, weights, sequence-steps), both scoring paths, aligned
draws, refusals, and result paths that stay as they were without a variant."""

import json
import subprocess
import sys

import numpy as np
import pytest
from reference_paper import assert_weights, plain_for, split

from rsparity.data import VARIANTS, paper_set
from rsparity.engine import open_stream, search
from rsparity.errors import InputError
from rsparity.nets import base as nets_base
from rsparity.nets import get_architecture
from rsparity.record import build_record
from rsparity.spec import SearchSpec
from rsparity.studies import result_path, setting_name


def vspec(**settings) -> SearchSpec:
    """n = 20 (lengths 20..24), 8 sequences, weights in [-100, 100], 1,500 trials unless given."""
    base = {"n": 20, "sample_size": 8, "weight_scale": 100.0, "max_trials": 1500}
    return SearchSpec(**{**base, **settings})


# Seeds found by a scan: each variant solves on one case and not on another
# (no_self_loops and no_output_feedback never solve with A1 H = 1 here, so
# their solved case is H = 2; no_output_feedback's A2 case has n = 10).
VARIANT_CASES = [
    vspec(arch="A1", hidden=1, variant="no_output_bias", seed=1),
    vspec(arch="A1", hidden=1, variant="no_output_bias", seed=0),
    vspec(arch="A1", hidden=2, variant="no_output_self", seed=3),
    vspec(arch="A1", hidden=1, variant="no_output_self", seed=0),
    vspec(arch="A1", hidden=1, variant="no_hidden_self", seed=4),
    vspec(arch="A1", hidden=1, variant="no_hidden_self", seed=0),
    vspec(arch="A1", hidden=2, variant="no_self_loops", seed=11),
    vspec(arch="A1", hidden=1, variant="no_self_loops", seed=0),
    vspec(arch="A1", hidden=2, variant="input_hidden_only", seed=3),
    vspec(arch="A1", hidden=1, variant="input_hidden_only", seed=0),
    vspec(arch="A1", hidden=2, variant="no_output_feedback", seed=21),
    vspec(arch="A1", hidden=1, variant="no_output_feedback", seed=0),
    vspec(arch="A1", hidden=1, variant="inputs01", seed=3),
    vspec(arch="A1", hidden=1, variant="inputs01", seed=0),
    vspec(arch="A1", hidden=1, variant="threshold", seed=7),
    vspec(arch="A1", hidden=1, variant="threshold", seed=0),
    vspec(arch="A1", hidden=2, variant="bias_range_1", seed=0),
    vspec(arch="A1", hidden=1, variant="bias_range_1", seed=0),
    vspec(arch="A1", hidden=1, variant="inputs01", noise=0.2, seed=1),
    vspec(arch="A2", hidden=3, variant="no_output_bias", seed=4),
    vspec(arch="A2", hidden=3, variant="no_hidden_self", seed=0),
    vspec(arch="A2", hidden=3, variant="input_hidden_only", seed=3),
    vspec(arch="A2", hidden=3, variant="no_output_feedback", n=10, sample_size=6, seed=19),
    vspec(arch="A2", hidden=3, variant="no_output_feedback", seed=0),
    vspec(arch="A2", hidden=3, variant="inputs01", seed=7),
    vspec(arch="A2", hidden=3, variant="threshold", seed=10),
    vspec(arch="A2", hidden=3, variant="bias_range_1", seed=7),
    vspec(arch="A2noself", hidden=3, variant="no_output_bias", seed=3),
    vspec(arch="A2noself", hidden=3, variant="input_hidden_only", seed=5),
    vspec(arch="A2noself", hidden=3, variant="no_output_feedback", seed=0),
    vspec(arch="A2noself", hidden=3, variant="inputs01", seed=7),
    vspec(arch="A2noself", hidden=3, variant="threshold", seed=0),
    vspec(arch="A2noself", hidden=3, variant="bias_range_1", seed=2),
]


def spec_id(spec):
    return f"{spec.arch}-h{spec.hidden}-{spec.variant}-n{spec.n}-s{spec.seed}-noise{spec.noise:g}"


@pytest.mark.parametrize("spec", VARIANT_CASES, ids=spec_id)
def test_engine_equals_plain_loop_for_every_variant(spec):
    want_k, want_w, want_steps = plain_for(spec)
    got = search(spec)
    assert got.sequence_steps == want_steps
    assert got.solved == (want_k is not None)
    if want_k is None:
        assert got.trials == spec.max_trials and got.weights is None
        return
    assert got.trials == want_k
    net = got.stream.arch
    # the engine keeps the drawn numbers; the net runs (and records) them varied
    assert_weights(got.weights, split(spec.arch, want_w, spec.hidden))
    want = split(spec.arch, want_w, spec.hidden, spec.variant, spec.weight_scale)
    assert_weights(net.effective(got.weights, got.stream.data), want)


def test_cases_solve_and_fail_for_every_variant():
    solved = {}
    for spec in VARIANT_CASES:
        solved.setdefault(spec.variant, []).append(search(spec).solved)
    assert set(solved) == set(VARIANTS[1:])
    assert all(any(v) and not all(v) for k, v in solved.items() if k != "no_output_bias")
    assert any(solved["no_output_bias"])


def test_record_holds_the_varied_weights():
    spec = vspec(arch="A1", hidden=1, variant="bias_range_1", seed=20)
    _, want_w, _ = plain_for(spec)
    rec = build_record(spec, search(spec))
    assert rec["solved"] and rec["train_accuracy"] == 1.0
    assert rec["params"]["variant"] == "bias_range_1"
    want = split("A1", want_w, 1, "bias_range_1", 100.0)
    assert rec["weights"]["b"] == want["b"].tolist()
    assert max(abs(b) for b in rec["weights"]["b"]) <= 1.0


@pytest.fixture
def automaton_spy(monkeypatch):
    covered = []
    real = nets_base.Architecture.automaton_correct

    def spy(self, *args, **kwargs):
        out, ok = real(self, *args, **kwargs)
        covered.append(int(ok.sum()))
        return out, ok

    monkeypatch.setattr(nets_base.Architecture, "automaton_correct", spy)
    return covered


def allowed(arch, hidden, variants):
    """(arch, hidden, variant) for every variant the net does not refuse."""
    out = []
    for variant in variants:
        try:
            SearchSpec(arch=arch, hidden=hidden, weight_scale=100.0, variant=variant)
        except InputError:
            continue
        out.append((arch, hidden, variant))
    return out


WEIGHT_AND_CRITERION = [v for v in VARIANTS[1:] if v != "inputs01"]
NETS = [("A1", 1), ("A1", 2), ("A2", 10), ("A2noself", 10)]


@pytest.mark.parametrize(
    "arch,hidden,variant", [c for a, h in NETS for c in allowed(a, h, WEIGHT_AND_CRITERION)]
)
def test_automaton_path_equals_time_loop(arch, hidden, variant):
    """On +-1 inputs every weight variant and the threshold criterion keep the automaton
    exact (n = 50: lengths 50-60)."""
    spec = SearchSpec(
        arch=arch, n=50, hidden=hidden, weight_scale=100.0, sample_size=100, max_trials=1,
        seed=3, variant=variant,
    )  # fmt: skip
    stream = open_stream(spec)
    params, data, net = stream.params(1, 300), stream.data, stream.arch
    out, ok = net.automaton_correct(params, data, 0, data.size)
    want = net.loop_correct(params, data, 0, data.size)
    assert ok.sum() >= 100
    assert np.array_equal(out[ok], want[ok])
    assert want[ok].any() and not want[ok].all()


def test_refused_variants_are_the_documented_ones():
    refused = {
        (a, v) for a, h in NETS for v in VARIANTS if (a, h, v) not in allowed(a, h, VARIANTS)
    }
    assert refused == {(a, v) for a, v, _ in REFUSED}


# Single survivors with >= 16 sequences left (32 sequences of length 20-24) take the
# automaton path in these searches (found by a scan).
AUTOMATON_CASES = [
    vspec(arch="A2noself", hidden=3, variant="no_output_bias", seed=7),
    vspec(arch="A2noself", hidden=3, variant="threshold", seed=10),
    vspec(arch="A2noself", hidden=3, variant="input_hidden_only", seed=5),
    vspec(arch="A1", hidden=2, variant="no_output_bias", seed=10),
    vspec(arch="A1", hidden=2, variant="no_hidden_self", seed=0),
]


@pytest.mark.parametrize("spec", AUTOMATON_CASES, ids=spec_id)
def test_search_on_the_automaton_path_equals_plain_loop(spec, automaton_spy):
    spec = SearchSpec.from_params({**spec.as_params(), "sample_size": 32, "max_trials": 3000})
    want_k, _, want_steps = plain_for(spec)
    got = search(spec)
    assert want_k is not None and got.trials == want_k and got.sequence_steps == want_steps
    assert sum(automaton_spy) > 0


def test_inputs01_never_takes_the_automaton(automaton_spy):
    spec = vspec(arch="A1", hidden=1, sample_size=32, max_trials=200, variant="inputs01", seed=0)
    stream = open_stream(spec)
    net, data = stream.arch, stream.data
    assert not net.automaton_applies(data)
    one = stream.params(1, 1)
    assert np.array_equal(net.correct(one, data, 0, data.size), net.loop_correct(one, data, 0, 32))
    assert automaton_spy == []


def test_inputs01_are_the_same_bits_coded_0_1():
    pm = paper_set(np.random.default_rng(4), 20, 10, noise=0.1)
    zo = paper_set(np.random.default_rng(4), 20, 10, noise=0.1, variant="inputs01")
    assert np.array_equal(pm.lengths, zo.lengths) and np.array_equal(pm.target, zo.target)
    inside = np.arange(pm.max_length)[:, None] < pm.lengths
    bits = np.round((np.round(pm.x) + 1) / 2)
    assert np.array_equal(np.round(zo.x)[inside], bits[inside])
    assert np.allclose((zo.x - np.round(zo.x))[inside], (pm.x - np.round(pm.x))[inside])
    assert np.all(zo.x[~inside] == 0.0)


@pytest.mark.parametrize("variant", VARIANTS[1:])
def test_every_variant_draws_the_base_nets_numbers(variant):
    for arch, hidden in (("A1", 1), ("A2", 4)):
        kw = dict(arch=arch, n=5, hidden=hidden, weight_scale=100.0, sample_size=6, seed=3)
        try:
            varied = open_stream(SearchSpec(**kw, variant=variant))
        except InputError:
            continue
        base = open_stream(SearchSpec(**kw))
        assert np.array_equal(base.draws(1, 50), varied.draws(1, 50))
        assert varied.data.variant == variant and base.data.variant == "none"
        p = varied.params(1, 50)
        changed = varied.arch.effective(p, varied.data)
        same = base.arch.effective(base.params(1, 50), base.data)
        assert any(not np.array_equal(changed[k], same[k]) for k in p) == (
            variant not in ("inputs01", "threshold")
        )


REFUSED = [
    ("A2", "no_output_self", "its output unit has no self-connection"),
    ("A2", "no_self_loops", "use 'no_hidden_self'"),
    ("A2noself", "no_output_self", "its output unit has no self-connection"),
    ("A2noself", "no_hidden_self", "its hidden units have no self-connections"),
    ("A2noself", "no_self_loops", "none of its units has a self-connection"),
]


@pytest.mark.parametrize("arch,variant,why", REFUSED)
def test_no_op_variants_are_refused(arch, variant, why):
    with pytest.raises(InputError) as err:
        SearchSpec(arch=arch, hidden=10, variant=variant)
    text = str(err.value)
    assert f"variant {variant!r} changes nothing for arch {arch!r}" in text and why in text
    assert "\n" not in text


def test_bias_range_1_at_weight_scale_1_is_refused():
    with pytest.raises(InputError, match="changes nothing for arch 'A1' at weight_scale 1"):
        SearchSpec(arch="A1", weight_scale=1.0, variant="bias_range_1")


def test_bad_variant_lists_the_allowed_ones():
    with pytest.raises(InputError) as err:
        SearchSpec(arch="A1", variant="no_bias")
    text = str(err.value)
    assert text.startswith("variant must be one of 'none', 'no_output_bias'") and "\n" not in text
    assert all(repr(v) in text for v in VARIANTS) and text.endswith("got 'no_bias'")
    with pytest.raises(InputError, match="variant 'threshold' applies only to paper-protocol"):
        SearchSpec(variant="threshold")


def test_as_params_and_paths_name_the_variant_only_when_set():
    kw = dict(arch="A1", n=500, hidden=1, weight_scale=100.0, sample_size=100, max_trials=10000)
    plain_spec = SearchSpec(**kw)
    assert "variant" not in plain_spec.as_params()
    assert result_path(plain_spec) == (
        "results/search/A1/n=500/hidden=1/weight_scale=100.0/sample_size=100/"
        "max_trials=10000/order=layered/readout=last/noise=0.0/seed0.json"
    )
    varied = SearchSpec(**kw, variant="inputs01")
    params = varied.as_params()
    assert params["variant"] == "inputs01" and list(params)[-2:] == ["variant", "protocol"]
    assert setting_name(varied) == setting_name(plain_spec) + "/variant=inputs01"
    assert SearchSpec.from_params(params) == varied
    assert SearchSpec.from_params(plain_spec.as_params()) == plain_spec
    assert "variant" not in SearchSpec().as_params()


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "rsparity", "search", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (["--arch", "A1", "--variant", "x"], "variant must be one of 'none', 'no_output_bias'"),
        (
            ["--arch", "A2noself", "--variant", "no_hidden_self"],
            "variant 'no_hidden_self' changes nothing for arch 'A2noself'",
        ),
        (["--variant", "inputs01"], "variant 'inputs01' applies only to paper-protocol archs"),
    ],
)
def test_cli_bad_variant_exits_2_one_line(tmp_path, args, message):
    out = run(*args, "--json", str(tmp_path / "r.json"))
    assert out.returncode == 2
    assert out.stderr.startswith("rsparity: ") and out.stderr.count("\n") == 1
    assert message in out.stderr and list(tmp_path.iterdir()) == []


def test_cli_variant_search_writes_record(tmp_path):
    path = tmp_path / "r.json"
    args = ["--arch", "A1", "--hidden", "1", "--n", "20", "--sample-size", "8"]
    args += ["--weight-scale", "100", "--max-trials", "1500", "--seed", "4"]
    out = run(*args, "--variant", "no_hidden_self", "--json", str(path))
    assert out.returncode == 0, out.stderr
    rec = json.loads(path.read_text())
    assert rec["params"]["variant"] == "no_hidden_self" and rec["weights"]["W_rec"][0][0] == 0.0
    assert (
        rec["trials"] == search(vspec(arch="A1", hidden=1, seed=4, variant="no_hidden_self")).trials
    )


def test_refused_variant_data_is_refused_by_the_net():
    spec = vspec(arch="A2", hidden=3, seed=0)
    stream = open_stream(spec)
    data = paper_set(np.random.default_rng(0), 20, 8, variant="no_output_self")
    with pytest.raises(ValueError, match="variant 'no_output_self' not available for arch 'A2'"):
        get_architecture("A2").correct(stream.params(1, 2), data, 0, data.size)
