"""rsparity.gradient's training: cells that must solve do, the record's bookkeeping,
determinism and batching independence, the vanishing gradient, the spec's checks,
and the summary's Clopper-Pearson intervals and learning-rate choice."""

import json
import math
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rsparity.data import all_sequences
from rsparity.engine import accuracy
from rsparity.errors import InputError
from rsparity.gradient import nets, train
from rsparity.gradient.data import fixed_set, variable_set
from rsparity.gradient.spec import GradientSpec
from rsparity.gradient.summary import cell_row, clopper_pearson
from rsparity.gradient.train import train_cell, train_restarts
from rsparity.gradient.vanishing import gradient_norms
from rsparity.nets import get_architecture


def covers_every_sequence(data) -> bool:
    """Whether a fixed-length set holds all 2^n sequences (then held-out accuracy must be 1)."""
    rows = {tuple(col) for col in data.x.T.astype(int)}
    return rows == {tuple(r) for r in all_sequences(data.max_length).astype(int)}


def engine_accuracy(spec, seed, weights):
    """The search engine's verdict on the fixed training set, independent of JAX."""
    arch = get_architecture(spec.net)
    return accuracy(arch, nets.to_search_params(spec.net, weights), fixed_set(spec, seed))


# ------------------------------------------------------------ cases that must succeed


@pytest.mark.parametrize(
    "method, lr", [pytest.param("adam", 0.05, marks=pytest.mark.slow), ("momentum", 0.2)]
)
def test_full_h8_learns_3_bit_parity(method, lr):
    spec = GradientSpec(net="full", hidden=8, n=3, method=method, lr=lr, init="glorot", restarts=4)
    record, weights = train_restarts(spec, 3_000_000)
    wins = [r for r in record["restarts"] if r["solved"]]
    assert len(wins) >= 3
    for r, w in zip(record["restarts"], weights, strict=True):
        assert r["train_accuracy"] == (1.0 if r["solved"] else r["train_accuracy"])
        if r["solved"]:
            assert engine_accuracy(spec, r["seed"], w) == 1.0
            assert 1 <= r["epochs"] <= record["epochs_budget"]
            assert r["sequence_steps"] == r["epochs"] * 3 * 3 * 1024
            # 1,024 random 3-bit sequences hold all 8, so a solver is right on any 3-bit set
            assert covers_every_sequence(fixed_set(spec, r["seed"]))
            assert r["heldout_accuracy"] == 1.0
            assert 0.0 <= r["heldout_long_accuracy"] <= 1.0
    if method == "adam":
        # A solver's weights are frozen at its solving epoch: training it alone with a
        # budget of exactly that many epochs gives the same weights (the others kept on).
        first = min((r for r in wins), key=lambda r: r["epochs"])
        assert first["epochs"] < max(r["epochs"] for r in wins)
        again, w = train_restarts(spec, first["sequence_steps"], seeds=[first["seed"]])
        assert again["restarts"][0]["epochs"] == first["epochs"]
        for k, v in w[0].items():
            np.testing.assert_array_equal(v, weights[first["seed"]][k])


@pytest.mark.parametrize(
    "spec",
    [
        GradientSpec(net="A1", hidden=1, n=2, lr=0.2, init="small", restarts=4),
        pytest.param(
            GradientSpec(net="A2", hidden=10, n=3, lr=0.05, init="glorot", restarts=4),
            marks=pytest.mark.slow,
        ),
    ],
    ids=["A1-H1-n2", "A2-H10-n3"],
)
def test_paper_nets_learn_tiny_parity(spec):
    # n = 2 and 3 give lengths n..n (n // 5 = 0); 100 sequences hold all 2^n patterns
    record, weights = train_restarts(spec, 3_000_000)
    assert sum(r["solved"] for r in record["restarts"]) >= 3
    for r, w in zip(record["restarts"], weights, strict=True):
        if r["solved"]:
            assert engine_accuracy(spec, r["seed"], w) == 1.0
            assert r["heldout_accuracy"] == 1.0
            assert r["sequence_steps"] == r["epochs"] * 3 * spec.n * 100


def test_initial_weights_that_already_solve_take_zero_epochs():
    # n = 1: sequences are one bit, target the bit; wide random weights solve sometimes
    spec = GradientSpec(net="full", hidden=2, n=1, init="search", restarts=8, sample_size=64)
    at_init = [engine_accuracy(spec, s, nets.init("full", 2, "search", s)) == 1.0 for s in range(8)]
    assert any(at_init) and not all(at_init)
    record = train_cell(spec, 10_000)
    for r, solved in zip(record["restarts"], at_init, strict=True):
        assert (r["epochs"] == 0) == solved


def test_budget_bookkeeping_when_nothing_solves():
    spec = GradientSpec(net="full", hidden=2, n=10, sample_size=64, restarts=2, lr=1e-4)
    cost = 3 * 10 * 64
    record = train_cell(spec, 5 * cost + 1)
    assert record["sequence_steps_per_epoch"] == cost
    assert record["epochs_budget"] == 6  # ceil((5 cost + 1) / cost)
    assert train_cell(spec, 1)["epochs_budget"] == 1
    for r in record["restarts"]:
        assert not r["solved"] and r["epochs"] is None and r["sequence_steps"] is None
        assert r["heldout_accuracy"] is None and r["heldout_long_accuracy"] is None
        assert r["train_accuracy"] < 1.0 and r["final_loss"] > 0
    json.dumps(record, allow_nan=False)


def test_variable_regime_is_judged_on_the_fixed_set():
    spec = GradientSpec(net="full", hidden=8, n=3, lr=0.05, regime="variable", restarts=2)
    record, weights = train_restarts(spec, 2_000_000)
    lengths = variable_set(spec, 0).lengths
    assert record["restarts"][0]["sequence_steps_per_epoch"] == 3 * int(lengths.sum())
    for r, w in zip(record["restarts"], weights, strict=True):
        assert r["solved"] == (engine_accuracy(spec, r["seed"], w) == 1.0)
        assert r["train_accuracy"] == engine_accuracy(spec, r["seed"], w)


# ------------------------------------------------------------ reproducibility

SLOW = pytest.mark.slow
REPRO_BUDGET = 150_000
REPRO = [
    pytest.param(
        GradientSpec(net="full", hidden=3, n=4, lr=0.05, restarts=4, sample_size=128), id="full"
    ),
    pytest.param(
        GradientSpec(net="A2", hidden=3, n=5, lr=0.05, init="glorot", batch=16, restarts=4),
        id="A2-minibatch",
        marks=SLOW,
    ),
    pytest.param(
        GradientSpec(
            net="lstm", hidden=3, n=4, lr=0.05, regime="variable", restarts=4, sample_size=256
        ),
        id="lstm-variable",
        marks=SLOW,
    ),
    pytest.param(
        GradientSpec(net="A1", hidden=2, n=5, method="momentum", lr=0.1, batch=30, restarts=4),
        id="A1-momentum-minibatch",
        marks=SLOW,
    ),
]


@pytest.mark.parametrize("spec", REPRO)
def test_same_spec_same_record_and_restarts_independent_of_batching(spec):
    budget = REPRO_BUDGET
    record = train_cell(spec, budget)
    assert train_cell(spec, budget) == record
    alone = train_cell(spec, budget, seeds=[2])
    assert alone["restarts"] == [record["restarts"][2]]
    assert len({r["final_loss"] for r in record["restarts"]}) == 4  # restarts do differ


def test_the_success_check_reads_past_its_head():
    """``_all_correct`` scores CHECK_HEAD sequences first: a wrong one anywhere decides."""
    spec = GradientSpec(net="full", hidden=2, n=8, sample_size=256)
    a = fixed_set(spec, 0)
    x, lengths, target = (np.asarray(v) for v in (a.x.T, a.lengths, a.target))
    p = nets.init("full", 2, "search", 1)
    ok = np.asarray(nets.correct("full", p, x, lengths, target))
    right, wrong = np.flatnonzero(ok), np.flatnonzero(~ok)
    head = train.CHECK_HEAD
    assert right.size > head + 1 and wrong.size > 0
    for order, want in (
        (right, True),
        (np.r_[right[: head + 1], wrong[:1], right[head + 1 :]], False),
        (np.r_[wrong[:1], right], False),
        (right[:head], True),
    ):
        got = train._all_correct("full", p, x[order], lengths[order], target[order])
        assert bool(got) is want


def test_the_record_does_not_depend_on_the_chunk_length(monkeypatch):
    """Epochs past a restart's end are skipped, also in a chunk longer than its budget."""
    spec = REPRO[0].values[0]
    records = []
    for chunk in (1, 64):
        monkeypatch.setattr(train, "_chunk_length", lambda *a, c=chunk: c)
        records.append(train_cell(spec, 20_000))
    assert records[0] == records[1]
    assert {r["epochs_budget"] for r in records[0]["restarts"]} < set(range(2, 64))


def test_threads_give_the_same_records():
    spec = REPRO[0].values[0]
    other = GradientSpec(**{**spec.as_params(), "lr": 0.02})
    want = [train_cell(spec, REPRO_BUDGET), train_cell(other, REPRO_BUDGET)]
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda s: train_cell(s, REPRO_BUDGET), [spec, other]))
    assert got == want and want[0] != want[1]


def test_methods_and_batches_change_the_training():
    spec = REPRO[0].values[0]
    base = train_cell(spec, REPRO_BUDGET)["restarts"]
    for other in (
        GradientSpec(**{**spec.as_params(), "method": "momentum"}),
        GradientSpec(**{**spec.as_params(), "batch": 32}),
    ):
        assert train_cell(other, REPRO_BUDGET)["restarts"] != base


# ------------------------------------------------------------ vanishing gradient


def test_vanishing_gradient_with_the_search_range():
    seeds = range(5)
    short = [r["grad_norm"] for r in gradient_norms("full", 2, 2, "search", seeds)]
    long = [r["grad_norm"] for r in gradient_norms("full", 2, 50, "search", seeds)]
    assert statistics.median(short) > 0
    assert statistics.median(long) <= 1e-6 * statistics.median(short)


def test_gradient_norm_rows_and_training():
    rows = gradient_norms("A1", 1, 4, "small", [0, 1], epochs=3)
    assert [(r["seed"], r["epochs"]) for r in rows] == [(0, 0), (0, 3), (1, 0), (1, 3)]
    assert set(rows[0]) == {"net", "hidden", "n", "init", "seed", "epochs", "grad_norm"}
    assert all(r["grad_norm"] > 0 for r in rows) and rows[0]["grad_norm"] != rows[1]["grad_norm"]


# ------------------------------------------------------------ the spec


@pytest.mark.parametrize(
    "key, value",
    [
        ("net", "gru"),
        ("method", "sgd"),
        ("regime", "sometimes"),
        ("init", "zeros"),
        ("hidden", 0),
        ("hidden", True),
        ("n", 2001),
        ("n", 0),
        ("lr", 0.0),
        ("lr", math.nan),
        ("lr", math.inf),
        ("lr", "0.1"),
        ("batch", 0),
        ("batch", "half"),
        ("batch", True),
        ("restarts", 257),
        ("sample_size", 0),
    ],
)
def test_bad_values_are_refused_in_one_line(key, value):
    with pytest.raises(InputError) as err:
        GradientSpec(**{key: value})
    text = str(err.value)
    assert "\n" not in text and key in text and repr(value) in text and "allowed" in text


def test_params_round_trip_and_search_twins():
    spec = GradientSpec(net="lstm", hidden=5, n=7, batch=32, lr=1, restarts=3)
    params = json.loads(json.dumps(spec.as_params()))
    assert GradientSpec.from_params(params) == spec and params["lr"] == 1.0
    assert spec.protocol == "reference"
    twin = spec.search_spec(4)
    assert (twin.arch, twin.hidden, twin.n, twin.seed, twin.weight_scale) == ("full", 2, 7, 4, 30.0)
    paper = GradientSpec(net="A1", hidden=1, n=20).search_spec(3)
    assert (paper.weight_scale, paper.sample_size, paper.order, paper.readout) == (
        100.0,
        100,
        "layered",
        "last",
    )
    with pytest.raises(ValueError, match="lstm"):
        nets.to_search_params("lstm", nets.init("lstm", 2, "small", 0))


def test_the_search_does_not_import_jax():
    code = "import sys, rsparity.cli, rsparity.engine, rsparity.jobs; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------ summary


@pytest.mark.parametrize(
    "k, n, low, high",
    # Known exact values (e.g. R's binom.test); 0/16 and 16/16 also in closed form:
    # 1 - 0.025 ** (1 / 16) = 0.2059.
    [(0, 16, 0.0, 0.2059), (16, 16, 0.7941, 1.0), (8, 16, 0.2465, 0.7535), (1, 10, 0.0025, 0.4450)],
)
def test_clopper_pearson_known_values(k, n, low, high):
    lo, hi = clopper_pearson(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)
    if k == 0:
        assert hi == pytest.approx(1 - 0.025 ** (1 / n), abs=1e-12)


def fake_record(lr, epochs, n=10, method="adam"):
    runs = [
        {
            "seed": i,
            "solved": e is not None,
            "epochs": e,
            "sequence_steps": None if e is None else 100 * e,
            "heldout_accuracy": None if e is None else 1.0 - 0.01 * i,
        }
        for i, e in enumerate(epochs)
    ]
    spec = GradientSpec(lr=lr, n=n, method=method, restarts=len(runs))
    return {
        "params": spec.as_params(),
        "sequence_steps_budget": 10_000,
        "epochs_budget": 100,
        "restarts": runs,
    }


def test_cell_row():
    row = cell_row(fake_record(0.01, [3, None, 5, None]))
    assert row["solved"] == 2 and row["restarts"] == 4
    assert row["median_epochs"] == 4.0 and row["median_sequence_steps"] == 400.0
    assert row["min_heldout_accuracy"] == pytest.approx(0.98)
    assert (row["p_low"], row["p_high"]) == clopper_pearson(2, 4)
    none = cell_row(fake_record(0.01, [None, None]))
    assert none["median_epochs"] is None and none["min_heldout_accuracy"] is None


# ------------------------------------------------------------ command line

CLI = ["gradient", "--net", "full", "--hidden", "8", "--n", "3", "--lr", "0.05", "--restarts"]


def test_cli_prints_the_record_or_writes_it(tmp_path, capsys):
    from rsparity import cli

    assert cli.main([*CLI, "2", "--budget", "100000"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["params"]["hidden"] == 8 and record["params"]["lr"] == 0.05
    assert len(record["restarts"]) == 2 and record["sequence_steps_budget"] == 100_000
    out = tmp_path / "cell.json"
    assert cli.main([*CLI, "2", "--budget", "100000", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text()) == record


@pytest.mark.parametrize(
    "args, word",
    [
        (["--method", "sgd", "--budget", "10"], "'sgd'"),
        (["--batch", "0", "--budget", "10"], "0"),
        (["--budget", "0"], "--budget"),
        (["--budget", "10", "--out", "/no/such/dir/x.json"], "--out"),
    ],
)
def test_cli_bad_values_one_line_exit_2(args, word, capsys):
    from rsparity import cli

    assert cli.main(["gradient", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rsparity: ") and word in err


CACHED_CELL = """
import json
from rsparity.gradient.spec import GradientSpec
from rsparity.gradient.train import train_restarts
record, _ = train_restarts(GradientSpec(net="full", hidden=2, n=4, restarts=2), 200_000)
record.pop("timing", None)
print(json.dumps(record, sort_keys=True))
"""


def test_a_cell_from_the_persistent_compilation_cache_gives_the_same_record(tmp_path):
    """The workflow turns on JAX's compilation cache (workflow/rules/common.smk): a cell
    whose steps load from disk must train exactly as one that compiled them."""
    cache = tmp_path / "jax-cache"
    env = {
        **os.environ,
        "JAX_COMPILATION_CACHE_DIR": str(cache),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
    }

    def run() -> str:
        cmd = [sys.executable, "-c", CACHED_CELL]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout

    cold = run()
    entries = sorted(p.name for p in cache.iterdir())
    assert entries, "the cold run wrote nothing to the cache"
    warm = run()
    # the same keys (a key that changed between processes would never be hit), same record
    assert sorted(p.name for p in cache.iterdir()) == entries
    assert warm == cold and json.loads(cold)["restarts"]


XLA_THREADS = """
import os
names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
print(names.count("tf_XLAEigen"), os.environ.get("PJRT_NPROC"), out)
"""
POOL_CELL = """
import json
from rsparity.gradient.spec import GradientSpec
from rsparity.gradient.train import train_restarts
record, _ = train_restarts(GradientSpec(net="full", hidden=2, n=4, restarts=2), 200_000)
out = json.dumps(record["restarts"], sort_keys=True)
"""
POOL_CLI = """
import sys
from rsparity import cli
args = ["--n", "4", "--restarts", "2", "--budget", "200000", "--out", sys.argv[1]]
out = cli.main(["gradient", *args])
"""


def _xla_threads(code: str, pjrt_nproc: str | None, *args: str) -> tuple[int, str, str]:
    """Run ``code`` in a fresh process: XLA pool threads, its PJRT_NPROC, its ``out``
    (``code`` sets ``out``)."""
    env = {k: v for k, v in os.environ.items() if k != "PJRT_NPROC"}
    if pjrt_nproc is not None:
        env["PJRT_NPROC"] = pjrt_nproc
    cmd = [sys.executable, "-c", code + XLA_THREADS, *args]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    count, nproc, rest = out.rstrip("\n").split(" ", 2)
    return int(count), nproc, rest


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_pjrt_nproc_sizes_the_pool_and_leaves_the_record_alone():
    """The workflow sizes XLA's CPU pool with PJRT_NPROC (workflow/rules/common.smk):
    the pool has that many threads, and its size does not change a cell's record."""
    (one, _, restarts), (three, _, restarts_three) = (
        _xla_threads(POOL_CELL, n) for n in ("1", "3")
    )
    assert (one, three) == (1, 3)
    assert restarts_three == restarts and json.loads(restarts)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_the_cli_trains_on_one_xla_thread_unless_told(tmp_path):
    """``rsparity gradient`` trains one cell per process, so XLA's pool gets one thread
    (PJRT_NPROC=1) unless the user set PJRT_NPROC; the record is the same either way."""
    records = []
    for nproc, want in ((None, (1, "1", "0")), ("3", (3, "3", "0"))):
        path = tmp_path / f"cell-{nproc}.json"
        assert _xla_threads(POOL_CLI, nproc, str(path)) == want
        record = json.loads(path.read_text())
        record.pop("timing", None)
        records.append(record)
    assert records[0] == records[1] and records[0]["restarts"]
