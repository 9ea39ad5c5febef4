"""Weight-space slices (rsparity.slices), the basin command and figure, their README numbers.

The slice's counts are checked against the plain one-trial oracles of
``tests/reference_impl.py`` and ``tests/reference_paper.py``, on training sets
and weights drawn here from the documented protocol, not by the engine.
"""

from __future__ import annotations

import json
import math

import imageio.v3 as iio
import numpy as np
import pytest
import reference_impl as ref
import reference_paper as paper

from rsparity import basin, limits, report, slices
from rsparity.basin_figure import BASIN_HEIGHT, SLICES_HEIGHT, basin_figure
from rsparity.engine import open_stream, search
from rsparity.errors import InputError
from rsparity.nets import ARCHITECTURES, get_architecture
from rsparity.plots import pixel_size
from rsparity.spec import SearchSpec

FULL = SearchSpec(n=12, sample_size=512, max_trials=20000, seed=0)
"""A reference search that solves, with enough sequences for the automaton path."""
A1 = SearchSpec(
    arch="A1", hidden=1, n=20, weight_scale=100.0, sample_size=20, max_trials=20000, seed=0
)
A2 = SearchSpec(
    arch="A2", hidden=3, n=20, weight_scale=100.0, sample_size=20, max_trials=20000, seed=1
)


def plain_full(spec: SearchSpec):
    """(X, y, first solver k, its draws) from the documented reference protocol."""
    rng = np.random.default_rng(spec.seed)
    X = rng.choice([-1, 1], size=(spec.sample_size, spec.n))
    k, w = ref.plain_search(
        spec.seed, spec.n, spec.hidden, spec.weight_scale, spec.sample_size, spec.max_trials
    )
    return X, X.prod(axis=1), k, w


def point_weights(s: dict, i: int, j: int) -> np.ndarray:
    w = np.array(s["centre_weights"])
    a, b = s["pair"]["index"]
    w[a], w[b] = s["axes"]["x"][i], s["axes"]["y"][j]
    return w


def sample_points(grid: int, count: int, seed: int = 0) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    corners = [(0, 0), (grid - 1, grid - 1), (0, grid - 1)]
    return corners + [tuple(int(v) for v in rng.integers(0, grid, 2)) for _ in range(count)]


# --------------------------------------------------------------------------- the pair


def test_the_pair_is_hidden_unit_0s_input_weight_and_bias():
    """From the documented draw orders (reference_impl.split_weights, reference_paper.split)."""
    h = 2
    assert slices.default_pair(get_architecture("full"), h) == (0, h + h * h)
    assert slices.default_pair(get_architecture("nodiag"), h) == (0, h + h * h)
    u = 2  # A1 with one hidden unit: W_in (u), W_rec (u x u), b (u)
    assert slices.default_pair(get_architecture("A1"), 1) == (0, u + u * u)
    assert slices.default_pair(get_architecture("A2"), 3) == (0, 3 * 3)
    assert slices.weight_names(get_architecture("full"), 2)[:7] == [
        "W_xh[0]",
        "W_xh[1]",
        "W_hh[0,0]",
        "W_hh[0,1]",
        "W_hh[1,0]",
        "W_hh[1,1]",
        "b_h[0]",
    ]


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
@pytest.mark.parametrize("hidden", [1, 3])
def test_every_net_has_a_free_pair(name, hidden):
    """Both varied draws reach the net's weights (nodiag / A2noself zero others)."""
    arch = get_architecture(name)
    a, b = slices.default_pair(arch, hidden)
    names = slices.weight_names(arch, hidden)
    assert a != b and names[a] and names[b]
    base = np.full((1, arch.n_weights(hidden)), 0.5)
    for k in (a, b):
        changed = base.copy()
        changed[0, k] = -0.25
        one, two = arch.unpack(base, hidden), arch.unpack(changed, hidden)
        assert any(not np.array_equal(one[key], two[key]) for key in one)
    if name == "nodiag":  # the zeroed W_hh diagonal: draws H + i (H + 1)
        assert [names[hidden + i * (hidden + 1)] for i in range(hidden)] == [None] * hidden


def test_axis_holds_the_centre_exactly_and_increases():
    for centre in (-30.0, 29.999, 0.1 + 0.2, -7.123456789):
        values, i = slices.axis(30.0, 7, centre)
        assert values[i] == centre and np.all(np.diff(values) > 0)
        assert np.abs(np.linspace(-30, 30, 7)[i] - centre) <= 5.0  # the nearest node


# --------------------------------------------------------------------------- slices


@pytest.fixture(scope="module")
def full_slice():
    X, y, k, w = plain_full(FULL)
    assert k is not None
    return X, y, k, w, slices.basin_slice(FULL, w, 9)


def test_the_slice_through_a_solver_is_100_percent_at_its_point(full_slice):
    X, y, k, w, s = full_slice
    assert search(FULL).trials == k
    i, j = s["centre_index"]
    assert np.array_equal(point_weights(s, i, j).view(np.int64), w.view(np.int64))
    assert slices.centre_correct(s) == s["sample_size"] == FULL.sample_size
    assert ref.trial_correct(X, y, point_weights(s, i, j), FULL.hidden, False).all()
    assert 0 < slices.solver_area(s) <= 1
    assert np.asarray(s["correct"]).shape == (9, 9)


def test_the_slice_equals_the_plain_oracle(full_slice):
    X, y, _, _, s = full_slice
    for i, j in sample_points(9, 8):
        want = int(ref.trial_correct(X, y, point_weights(s, i, j), FULL.hidden, False).sum())
        assert s["correct"][j][i] == want, (i, j)


def test_the_automaton_and_the_loop_give_the_same_slice(full_slice, monkeypatch):
    """512 sequences: the automaton path; with the state cap at 1 every point is looped."""
    *_, w, s = full_slice
    monkeypatch.setattr(slices, "BASIN_STATE_CAP", 1)
    assert slices.basin_slice(FULL, w, 9)["correct"] == s["correct"]


def plain_paper_set(spec: SearchSpec):
    rng = np.random.default_rng(spec.seed)
    inputs, targets = paper.make_sequences(rng, spec.n, spec.sample_size, spec.noise)
    return inputs, targets


@pytest.mark.parametrize("spec", [A1, A2], ids=["A1", "A2"])
def test_a_paper_net_slice_equals_the_plain_oracle(spec):
    k, w, _ = paper.plain_for(spec)
    assert k is not None
    s = slices.basin_slice(spec, w, 5)
    assert slices.centre_correct(s) == spec.sample_size
    inputs, targets = plain_paper_set(spec)
    for i, j in sample_points(5, 4):
        right = paper.trial_correct(
            spec.arch, point_weights(s, i, j), spec.hidden, inputs, targets, "layered", "last"
        )
        assert s["correct"][j][i] == int(right.sum()), (i, j)


def test_blocks_bound_the_points_scored_at_once(monkeypatch):
    sizes = []
    real = slices.params_counts

    def counting(stream, params, **kw):
        sizes.append(next(iter(params.values())).shape[0])
        return real(stream, params, **kw)

    monkeypatch.setattr(slices, "params_counts", counting)
    spec = SearchSpec(n=6, sample_size=16)
    w = open_stream(spec).draws(1, 1)[0]
    done = []
    slices.basin_slice(spec, w, 23, block=100, progress=lambda d, t: done.append((d, t)))
    assert max(sizes) == 100 and sum(sizes) == 23 * 23
    assert done[-1] == (23 * 23, 23 * 23) and len(done) == math.ceil(23 * 23 / 100)


def test_the_largest_slice_fits_a_small_memory_budget():
    """A 401 x 401 slice at N = 500 scores 256 points at a time: well under 1 GiB."""
    estimate = slices.slice_estimate(SearchSpec(n=500), 401)
    assert estimate.bytes < 1 << 30
    # scoring is per block: 550 times the points of a 17 x 17 grid cost a few MiB more
    small = slices.slice_estimate(SearchSpec(n=500), 17).phases["slice"]
    assert estimate.phases["slice"] < 1.2 * small


def test_the_estimate_bounds_the_traced_peak():
    import tracemalloc

    spec = SearchSpec(n=50)
    w = open_stream(spec).draws(1, 1)[0]
    tracemalloc.start()
    try:
        slices.basin_slice(spec, w, 17)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < slices.slice_estimate(spec, 17).phases["slice"]


def test_wrong_weights_are_refused():
    with pytest.raises(InputError, match=r"^weights must be 11 numbers \(arch 'full', hidden 2\)"):
        slices.basin_slice(FULL, np.zeros(5), 5)


# --------------------------------------------------------------------------- centres


def test_record_slices_find_the_solver_and_the_first_nonsolver(tmp_path):
    from rsparity.record import build_record

    record = json.loads(json.dumps(build_record(FULL, search(FULL))))
    solver = slices.record_slice(record, "solver", FULL.n, 5)
    X, y, k, w = plain_full(FULL)
    assert solver["trial"] == k and solver["centre_weights"] == w.tolist()
    other = slices.record_slice(record, "nonsolver", 2 * FULL.n, 5)
    assert other["trial"] == 1 and other["params"]["n"] == 2 * FULL.n
    path = tmp_path / "s.json"
    slices.write_slice(other, path)
    assert slices.read_slice(path) == other
    record["weights"]["b_y"] = [0.0]
    with pytest.raises(ValueError, match="is not the record's solver"):
        slices.record_slice(record, "solver", FULL.n, 5)
    with pytest.raises(InputError, match="centre must be one of solver, nonsolver"):
        slices.record_slice(record, "best", FULL.n, 5)


def test_the_first_nonsolver_skips_a_first_trial_that_solves():
    """N = 1: parity of one bit; find a seed whose trial 1 solves, check with the oracle."""
    for seed in range(200):
        spec = SearchSpec(n=1, sample_size=8, seed=seed)
        stream = open_stream(spec)
        if search(spec).trials == 1:
            break
    else:
        pytest.fail("no seed whose first trial solves")
    k = slices.first_nonsolver(stream, 1)
    rng = np.random.default_rng(seed)
    X = rng.choice([-1, 1], size=(8, 1))
    draws = rng.uniform(-30, 30, size=(k, 11))
    right = [ref.trial_correct(X, X.prod(axis=1), d, 2, False).all() for d in draws]
    assert k >= 2 and right == [True] + [True] * (k - 2) + [False]


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("spec", [SearchSpec(n=8, sample_size=64), A1], ids=["full", "A1"])
def test_basin_command_writes_its_png(spec, tmp_path):
    out = tmp_path / "basin.png"
    progress = []
    line = basin.basin_command(spec, str(out), 5, progress=lambda d, t: progress.append((d, t)))
    assert "solver (trial" in line and "non-solver (trial 1)" in line and "\n" not in line
    assert iio.imread(out).shape[:2] == pixel_size(SLICES_HEIGHT)
    assert progress[-1] == (50, 50)
    assert [p.name for p in tmp_path.iterdir()] == ["basin.png"]


def test_basin_command_unsolved_draws_the_nonsolver_only(tmp_path):
    out = tmp_path / "basin.png"
    spec = SearchSpec(n=40, sample_size=64, max_trials=3)
    line = basin.basin_command(spec, str(out), 3)
    assert "no solver in 3 trials: non-solver slice only" in line
    assert iio.imread(out).shape[:2] == pixel_size(SLICES_HEIGHT)


@pytest.mark.parametrize("grid", [2, 402, 0, -5, 5.0, True, "9", None])
def test_bad_grid_values_are_refused_before_anything_is_written(grid, tmp_path):
    with pytest.raises(InputError) as err:
        basin.basin_command(SearchSpec(n=8, sample_size=64), str(tmp_path / "b.png"), grid)
    assert str(err.value) == f"grid must be an integer from 3 to 401, got {grid!r}"
    assert list(tmp_path.iterdir()) == []


def test_an_out_path_in_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="must be a file in an existing directory"):
        basin.basin_command(SearchSpec(n=8), str(tmp_path / "no" / "b.png"), 5)


# --------------------------------------------------------------------------- figure, README


def synthetic(n: int, solved: int, grid: int = 4, trial: int = 7) -> dict:
    """A slice with ``solved`` grid points at 100 % (sample size 10)."""
    counts = np.full(grid * grid, 5)
    counts[:solved] = 10
    return {
        "schema": slices.SCHEMA,
        "params": {"n": n, "weight_scale": 30.0},
        "sample_size": 10,
        "grid": grid,
        "pair": {"index": [0, 6], "names": ["W_xh[0]", "b_h[0]"]},
        "axes": {
            "x": np.linspace(-30, 30, grid).tolist(),
            "y": np.linspace(-30, 30, grid).tolist(),
        },
        "centre_index": [0, 0],
        "centre_weights": [0.0] * 11,
        "correct": counts.reshape(grid, grid).tolist(),
        "trial": trial,
        "centre": "solver",
    }


def scaling_rows():
    return [
        {"n": 20, "p": 2e-4, "p_lo": 1e-4, "p_hi": 4e-4, "solves": 5, "total_trials": 25000},
        {"n": 500, "p": 1e-4, "p_lo": 5e-5, "p_hi": 3e-4, "solves": 5, "total_trials": 50000},
    ]


def test_basin_figure_size_and_bytes_are_fixed(tmp_path):
    import pandas as pd

    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    for path in paths:
        basin_figure(
            [synthetic(50, 3), synthetic(500, 2)],
            synthetic(50, 0, trial=1),
            pd.DataFrame(scaling_rows()),
            path,
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert iio.imread(paths[0]).shape[:2] == pixel_size(BASIN_HEIGHT)


@pytest.mark.parametrize(
    "areas,trend",
    [
        ({50: 0.08, 500: 0.08}, "same"),
        ({50: 0.08, 500: 0.0725}, "same"),  # within 10 %
        ({50: 0.08, 500: 0.07}, "shrinks"),
        ({500: 0.09, 50: 0.08}, "grows"),  # by N, not by order
        ({50: 0.0, 500: 0.0}, "same"),
        ({50: 0.0, 500: 0.01}, "grows"),
    ],
)
def test_basin_trend(areas, trend):
    assert report.basin_trend(areas) == trend


def test_basin_context(tmp_path):
    paths = []
    for n, solved in ((50, 4), (500, 2)):
        paths.append(tmp_path / f"solver_n{n}.json")
        slices.write_slice(synthetic(n, solved), paths[-1])
    other = tmp_path / "nonsolver.json"
    slices.write_slice(synthetic(50, 0, trial=1), other)
    got = report.basin_context(paths, other, scaling_rows())
    assert [r["area"] for r in got["solvers"]] == [4 / 16, 2 / 16]
    assert got["trend"] == "shrinks" and got["pair"] == ["W_xh[0]", "b_h[0]"]
    assert got["nonsolver"] == {"n": 50, "trial": 1, "area": 0.0, "accuracy": 0.5}
    assert (got["p_min"], got["p_max"], got["p_lo"], got["p_hi"]) == (1e-4, 2e-4, 5e-5, 4e-4)
    assert got["n_range"] == (20, 500) and got["p_flat"] is True
    assert got["same_points"] is False


def test_same_solver_points():
    a, b = synthetic(50, 3), synthetic(500, 3)
    assert report.same_solver_points([a, b])
    b["correct"][0][0] = 9  # one point fewer, same area elsewhere
    b["correct"][3][3] = 10
    assert not report.same_solver_points([a, b])
    c = synthetic(500, 3)
    c["axes"]["x"][0] = -29.5  # another slice
    assert not report.same_solver_points([a, c])


def test_slice_estimate_is_a_limits_estimate():
    assert isinstance(slices.slice_estimate(FULL, 5), limits.Estimate)
