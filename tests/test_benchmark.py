"""The benchmark's plain loops are the protocol: same verdicts as the oracles and the engine."""

import sys
from pathlib import Path

import numpy as np
import pytest
from reference_paper import trial_correct

from rsparity.engine import open_stream
from rsparity.spec import SearchSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from engine_speed import ROUNDS, headline, paper_layer_correct, side_by_side  # noqa: E402


@pytest.mark.parametrize("arch,hidden", [("A1", 1), ("A1", 3), ("A2", 4), ("A2noself", 4)])
@pytest.mark.parametrize("order", ["layered", "sync"])
def test_layer_at_once_loop_equals_the_unit_by_unit_oracle(arch, hidden, order):
    # small weights keep many units unsaturated, so the verdicts vary and test the arithmetic
    spec = SearchSpec(arch=arch, n=20, hidden=hidden, weight_scale=3.0, sample_size=40, seed=2)
    spec = SearchSpec.from_params(spec.as_params() | {"order": order})
    stream = open_stream(spec)
    data = stream.data
    inputs = [data.x[: data.lengths[i], i] for i in range(data.size)]
    verdicts = []
    for k in range(1, 60):
        w = stream.draws(k, 1)[0]
        got = paper_layer_correct(arch, w, hidden, data, order)
        want = trial_correct(arch, w, hidden, inputs, data.target.tolist(), order, "last")
        assert np.array_equal(got, want), k
        engine = stream.arch.correct(stream.params(k, 1), data, 0, data.size)[0]
        assert np.array_equal(got, engine), k
        verdicts.append(got.mean())
    assert 0 < np.mean(verdicts) < 1 and len(set(verdicts)) > 3


def test_the_headline_timing_is_of_the_headline_search():
    got = headline()
    assert got["params"] == SearchSpec().as_params() and got["trials"] == 10_253  # reference
    assert 0 < got["wallclock_s"] < 60


def test_the_kernel_step_benchmark_runs_and_its_scans_agree(capsys):
    from kernel_steps import CASES, main

    assert main(["--trials", "256", "--repeats", "1"]) == 0  # exits on any disagreement
    assert capsys.readouterr().out.count("x\n") == len(CASES)


def test_side_by_side_pairs_each_round_and_reports_medians():
    """A round in which the machine runs slow slows both of its rates alike, so every
    round's ratio is the same (run all baselines first and the pairs mix rounds)."""
    speed = iter([1.0, 1.0, 0.5, 0.5, 2.0, 2.0])
    shares = []

    def rate(base):
        def measure(seconds):
            shares.append(seconds)
            return base * next(speed)

        return measure

    assert ROUNDS == 3
    base, fast, ratios = side_by_side(rate(100.0), rate(300_000.0), 1.5)
    assert ratios == [3000.0, 3000.0, 3000.0] and shares == [0.5] * 6
    assert (base, fast) == (100.0, 300_000.0)
