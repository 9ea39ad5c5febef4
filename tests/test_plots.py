"""Figures and the GIF: expected pixel size, byte-identical re-renders, GIF properties."""

import json
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pandas as pd
import pytest

from rsparity import plots
from rsparity.animation import frame_trials, search_gif
from rsparity.engine import open_stream, search
from rsparity.panels import PANELS, draw_panels
from rsparity.protocols import evaluation_sets, heldout_examples
from rsparity.record import build_record
from rsparity.spec import SearchSpec
from rsparity.trace import trace_search

# solves at trial 899 (small B: spurious solvers are common); traced in well under a second
SPEC = SearchSpec(n=10, sample_size=64, seed=6, max_trials=20_000)
UNSOLVED = SearchSpec(arch="nodiag", n=10, sample_size=200, seed=1, max_trials=300)


@pytest.fixture(scope="module")
def run():
    trace = trace_search(SPEC, every=5)
    outcome = search(SPEC)
    assert trace["solved"] and trace["trials"] == outcome.trials
    return trace, outcome


def _weights(outcome):
    return outcome.stream.arch.record(outcome.weights)


def _trajectory_args(outcome):
    data = heldout_examples(SPEC, 6)
    arch = outcome.stream.arch
    states = arch.states(outcome.weights, data)
    correct = arch.correct(outcome.weights, data, 0, 6)[0]
    return states, data.x.T, correct


def _frames():
    rng = np.random.default_rng(0)
    rows = []
    for n in (10, 20, 50, 200, 2000):
        for seed in range(6):
            k = int(rng.geometric(1e-4))
            rows.append({"n": n, "seed": seed, "trials": min(k, 20_000), "solved": k <= 20_000})
    by_n = pd.DataFrame(rows)
    ecdf = by_n.assign(study=np.where(by_n["n"] < 100, "short", "long"))
    ablation = pd.DataFrame(
        {
            "panel": ["hidden"] * 3 + ["weight_scale"] * 3 + ["nodiag"] * 2,
            "x": [1, 2, 5, 1, 10, 30, 10, 50],
            "p": [5e-5, 8e-5, 3e-6, 0.0, 5e-5, 8e-5, 0.0, 0.0],
            "p_lo": [3e-5, 6e-5, 6e-7, 0.0, 3e-5, 6e-5, 0.0, 0.0],
            "p_hi": [8e-5, 1e-4, 9e-6, 3e-6, 7e-5, 1e-4, 6e-7, 6e-7],
            "solves": [10, 60, 3, 0, 40, 60, 0, 0],
        }
    )
    paper = pd.DataFrame(
        [
            {
                "net": net,
                "variant": variant,
                "expected_trials": mean,
                "expected_lo": mean / 1.5,
                "expected_hi": mean * 1.5 if solves else np.inf,
                "solves": solves,
                "paper": reported,
            }
            for net, reported in (("A1", 2906.0), ("A2", 2797.0), ("mine", np.nan))
            for variant, mean, solves in (("layered", 3000.0, 30), ("sync", 5e5, 0))
        ]
    )
    return by_n, ecdf, ablation, paper


def _figures(trace, outcome):
    """(name, render(path), expected (rows, columns)) for every figure function."""
    by_n, ecdf, abl, paper = _frames()
    w = _weights(outcome)
    states, bits, correct = _trajectory_args(outcome)
    px = plots.pixel_size
    return [
        ("search_curve", lambda p: plots.search_curve(trace, p), px(4.2)),
        ("score_histogram", lambda p: plots.score_histogram(trace, p), px(4.0)),
        ("hinton", lambda p: plots.hinton(w, p), px(plots.hinton_height(2))),
        (
            "hidden_trajectories",
            lambda p: plots.hidden_trajectories(states, bits, correct, p),
            px(plots.trajectories_height(6)),
        ),
        ("trials_vs_n", lambda p: plots.trials_vs_n(by_n, p, expected=1e4), px(4.4)),
        ("trials_ecdf", lambda p: plots.trials_ecdf(ecdf, p), px(4.2)),
        ("ablation", lambda p: plots.ablation(abl, p, reference=8e-5), px(3.8)),
        ("paper_comparison", lambda p: plots.paper_comparison(paper, p), px(5.4)),
    ]


def test_figures_have_expected_size_and_identical_bytes(run, tmp_path):
    trace, outcome = run
    for name, render, (rows, cols) in _figures(trace, outcome):
        a, b = tmp_path / f"{name}-a.png", tmp_path / f"{name}-b.png"
        render(a)
        render(b)
        image = iio.imread(a)
        assert image.shape[:2] == (rows, cols) and cols == 1200, name
        assert image.std() > 10, f"{name} looks blank"
        assert a.read_bytes() == b.read_bytes(), f"{name} is not byte-identical"


def test_identical_bytes_in_a_fresh_process(run, tmp_path):
    trace, outcome = run
    here = tmp_path / "here.png"
    plots.hinton(_weights(outcome), here)
    code = (
        "import json, sys; from rsparity import plots; "
        "plots.hinton(json.loads(sys.argv[1]), sys.argv[2])"
    )
    there = tmp_path / "there.png"
    subprocess.run(
        [sys.executable, "-c", code, json.dumps(_weights(outcome)), str(there)], check=True
    )
    assert here.read_bytes() == there.read_bytes()


def test_unsolved_trace_renders(tmp_path):
    trace = trace_search(UNSOLVED, every=3)
    assert not trace["solved"]
    plots.search_curve(trace, tmp_path / "c.png")
    plots.score_histogram(trace, tmp_path / "h.png")
    assert iio.imread(tmp_path / "c.png").shape[:2] == plots.pixel_size(4.2)


def test_frame_trials():
    ts = frame_trials(10_253, 60)
    assert len(ts) == 60 and ts[0] == 1 and ts[-1] == 10_253
    assert all(a < b for a, b in zip(ts, ts[1:], strict=False))
    assert frame_trials(5, 8)[-1] == 5 and len(frame_trials(5, 8)) == 8


def test_gif_frames_loop_size_and_determinism(run, tmp_path):
    trace, outcome = run
    stream = open_stream(SPEC)

    def weights_at(k):
        return stream.arch.record(stream.params(k, 1))

    a, b = tmp_path / "a.gif", tmp_path / "b.gif"
    search_gif(trace, weights_at, a, frames=30)
    search_gif(trace, weights_at, b, frames=30)
    assert a.read_bytes() == b.read_bytes()
    assert a.stat().st_size < 5 * 1024 * 1024
    frames = iio.imread(a, index=None)
    assert frames.shape[0] == 30
    assert iio.immeta(a)["loop"] == 0
    # the last frame shows the solver's weights
    assert weights_at(trace["trials"]) == _weights(outcome)


def test_heldout_examples_are_the_first_heldout_sequences():
    """The trajectories panel shows the held-out set's own first sequences."""
    examples = heldout_examples(SPEC, 6)
    held = evaluation_sets(SPEC)["heldout_accuracy"][0]
    assert np.array_equal(examples.x, held.x[:, :6])
    paper = SearchSpec(arch="A1", n=20, hidden=1, weight_scale=100.0, sample_size=30, seed=2)
    first = heldout_examples(paper, 4)
    held = evaluation_sets(paper)["heldout_accuracy"][0]
    assert np.array_equal(first.lengths, held.lengths[:4])
    for i in range(4):
        length = first.lengths[i]
        assert np.array_equal(first.x[:length, i], held.x[:length, i])


def test_draw_panels_equals_the_plot_functions(run, tmp_path):
    trace, outcome = run
    record = build_record(SPEC, outcome)
    paths = {name: tmp_path / f"{name}.png" for name in PANELS}
    draw_panels(record, trace, paths)
    for name, render, _ in _figures(trace, outcome):
        if name in paths:
            render(tmp_path / "direct.png")
            assert (tmp_path / "direct.png").read_bytes() == paths[name].read_bytes(), name
    with pytest.raises(ValueError, match="unknown panels"):
        draw_panels(record, trace, {"gif": tmp_path / "x.png"})
