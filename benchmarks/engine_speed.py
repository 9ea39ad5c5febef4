"""Engine speed against the plain per-trial loop, in one process, on the same trials.

For each case the baseline (tests/reference_impl.py: one trial at a time,
numpy over the training sequences, every sequence scored - the reference's
style) and the engine run on the same seed's trial stream; both must agree on
every trial they both scored.  The paper nets' baseline is the faster of
the same style with all units of a layer updated at once (``h @ W``,
:func:`paper_layer_correct`) and the unit-by-unit oracle of
tests/reference_paper.py (about 3-6x slower at H = 10, faster at H = 1), so no
ratio is inflated by a slow baseline.  Both run side by side in ``ROUNDS`` rounds
(the machine's speed drifts).  Prints trials/s and the ratio; ``--json PATH``
also writes the table with a machine description (the workflow's benchmark
rule uses that).  The paper protocol's nets (A1 with 1 hidden unit, A2 and
A2noself with 10; n = 500, i.e. lengths 500-600, 100 sequences, weights in [-100, 100]) are
measured the same way against tests/reference_paper.py and reported
separately (``paper_rows`` in the JSON).

    python benchmarks/engine_speed.py [--seconds 3] [--cases all|reference|paper] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reference_impl import trial_correct  # noqa: E402
from reference_paper import sigmoid, split  # noqa: E402
from reference_paper import trial_correct as paper_trial_correct  # noqa: E402

from rsparity.engine import SEARCH_BLOCK, SEARCH_CHUNK_PAIRS, open_stream, scan_block, search  # noqa: E402
from rsparity.spec import SearchSpec  # noqa: E402

ROUNDS = 3
"""Each rate is measured in this many rounds, the baseline and the engine side by side in
each; a row reports the median of each rate and of the rounds' ratios.  This machine's speed
drifts between runs (measured here: one N = 50 case's ratio 1,405x-1,894x over 5 such
rounds), and two measurements taken side by side share most of the drift."""
CASES = [(50, 2048, 1), (200, 2048, 0), (500, 1024, 8)]
"""(N, B, seed): each seed's first solver comes late (26,115 / 35,233 / 33,933 trials)."""
PAPER_CASES = [
    ("A1", 1, "layered", "last", 1),
    ("A2", 10, "layered", "last", 1),
    ("A2noself", 10, "layered", "last", 1),
]
"""(arch, hidden, order, readout, seed) at the paper's n = 500, B = 100, r = 100: first
solvers at trials 23,742, 3,335 and 177."""


def baseline_rate(spec: SearchSpec, seconds: float) -> tuple[float, int, int | None]:
    """Plain loop over trials 1..K for about ``seconds``: (trials/s, K, first solver)."""
    stream = open_stream(spec)
    bits = stream.data.x.T.astype(int)
    y = bits.prod(axis=1)
    start, k, first = time.perf_counter(), 0, None
    while time.perf_counter() - start < seconds:
        k += 1
        if trial_correct(bits, y, stream.draws(k, 1)[0], spec.hidden, False).all():
            first = first or k
    return k / (time.perf_counter() - start), k, first


def paper_layer_correct(arch: str, w: np.ndarray, hidden: int, data, order: str) -> np.ndarray:
    """One trial of a paper net on every sequence, read at its last input (``readout="last"``):
    numpy over sequences and over the units of a layer, a Python loop over steps."""
    p = split(arch, w, hidden)
    x_all, ends = data.x, data.lengths
    reads = {int(t): np.flatnonzero(ends == t) for t in np.unique(ends)}
    out = np.zeros(data.size)
    if arch == "A1":
        w_in, w_rec, b = p["W_in"], p["W_rec"], p["b"]
        s = np.zeros((data.size, hidden + 1))
        for t in range(x_all.shape[0]):
            x = x_all[t][:, None]
            if order == "layered":
                h = sigmoid(b[:-1] + x * w_in[:-1] + s @ w_rec[:, :-1])
                z = b[-1] + x * w_in[-1] + h @ w_rec[:-1, -1:] + s[:, -1:] * w_rec[-1, -1]
                s = np.concatenate([h, sigmoid(z)], axis=1)
            else:
                s = sigmoid(b + x * w_in + s @ w_rec)
            if t + 1 in reads:
                out[reads[t + 1]] = s[reads[t + 1], -1]
    else:
        h, o = np.zeros((data.size, hidden)), np.zeros((data.size, 1))
        for t in range(x_all.shape[0]):
            x = x_all[t][:, None]
            new_h = sigmoid(p["b_h"] + x * p["W_xh"] + p["w_self"] * h + o * p["W_oh"])
            src = new_h if order == "layered" else h
            h, o = new_h, sigmoid(p["b_o"] + x * p["W_xo"] + src @ p["W_ho"][:, None])
            if t + 1 in reads:
                out[reads[t + 1]] = o[reads[t + 1], 0]
    return np.abs(out - data.target) < 0.1


def _unit_by_unit(spec: SearchSpec, data):
    inputs = [data.x[: data.lengths[i], i] for i in range(data.size)]
    targets = data.target.tolist()
    return lambda w: paper_trial_correct(
        spec.arch, w, spec.hidden, inputs, targets, spec.order, spec.readout
    )


def paper_baseline_rate(
    spec: SearchSpec, seconds: float, style: str | None = None
) -> tuple[float, np.ndarray, str]:
    """The faster plain paper-protocol loop (or the loop ``style``) over trials 1..K for
    about ``seconds`` each: (trials/s, verdicts, style).  Layer at once wins at H = 10; at
    H = 1 a layer is one unit and the unit-by-unit oracle, without matrix products, is
    the faster."""
    if spec.readout != "last":
        raise ValueError("the layer-at-once baseline reads the output at the last input")
    stream = open_stream(spec)
    styles = {
        "layer at once": lambda w: paper_layer_correct(
            spec.arch, w, spec.hidden, stream.data, spec.order
        ),
        "unit by unit": _unit_by_unit(spec, stream.data),
    }
    best = None
    for name, correct in styles.items():
        if style not in (None, name):
            continue
        verdicts = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            verdicts.append(bool(correct(stream.draws(len(verdicts) + 1, 1)[0]).all()))
        rate = len(verdicts) / (time.perf_counter() - start)
        if best is None or rate > best[0]:
            best = (rate, np.array(verdicts), name)
    return best


def engine_rate(spec: SearchSpec, seconds: float) -> float:
    """Engine scanning whole blocks for about ``seconds`` (trials/s, one core)."""
    stream = open_stream(spec)
    scan_block(stream, 1, 1024, SEARCH_CHUNK_PAIRS)  # warm-up
    start, first = time.perf_counter(), 1
    while time.perf_counter() - start < seconds:
        scan_block(stream, first, SEARCH_BLOCK, SEARCH_CHUNK_PAIRS)
        first += SEARCH_BLOCK
    return (first - 1) / (time.perf_counter() - start)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


def side_by_side(baseline: Callable[[float], float], engine: Callable[[float], float],
                 seconds: float) -> tuple[float, float, list[float]]:  # fmt: skip
    """``ROUNDS`` rounds of ``baseline`` then ``engine`` (each called with its share of
    ``seconds``, returning trials/s): (median baseline rate, median engine rate, the
    rounds' ratios)."""
    pairs = [(baseline(seconds / ROUNDS), engine(seconds / ROUNDS)) for _ in range(ROUNDS)]
    base, fast = (statistics.median(p[i] for p in pairs) for i in (0, 1))
    return base, fast, [f / b for b, f in pairs]


def timings(spec: SearchSpec, base: float, fast: float, ratios: list[float]) -> dict:
    """The row fields every case shares: both rates, the median ratio of the rounds (and
    all of them), and the search to the first solver timed on 1 and 2 workers."""
    solve = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        out = search(spec, workers=workers)
        solve[workers] = time.perf_counter() - t0
    return {
        "baseline_trials_per_s": base,
        "engine_trials_per_s": fast,
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "solve_trials": out.trials,
        "solve_s_1_worker": solve[1],
        "solve_s_2_workers": solve[2],
    }


def measure_paper(seconds: float) -> list[dict]:
    rows = []
    for arch, hidden, order, readout, seed in PAPER_CASES:
        spec = SearchSpec(
            arch=arch,
            n=500,
            hidden=hidden,
            weight_scale=100.0,
            sample_size=100,
            max_trials=10**9,
            seed=seed,
            order=order,
            readout=readout,
        )
        _, verdicts, style = paper_baseline_rate(spec, seconds / ROUNDS)
        stream = open_stream(spec)
        k = verdicts.size
        engine = stream.arch.correct(stream.params(1, k), stream.data, 0, stream.data.size)
        if not np.array_equal(engine.all(axis=1), verdicts):
            raise SystemExit(f"engine and baseline disagree on {arch} trials 1..{k}")
        base, fast, ratios = side_by_side(
            lambda s, style=style, spec=spec: paper_baseline_rate(spec, s, style)[0],
            lambda s, spec=spec: engine_rate(spec, s),
            seconds,
        )
        solve_spec = SearchSpec(
            arch=arch,
            n=500,
            hidden=hidden,
            weight_scale=100.0,
            sample_size=100,
            max_trials=200_000,
            seed=seed,
            order=order,
            readout=readout,
        )
        rows.append(
            {
                "arch": arch,
                "hidden": hidden,
                "order": order,
                "readout": readout,
                "n": 500,
                "sample_size": 100,
                "weight_scale": 100.0,
                "seed": seed,
                "baseline_trials": int(k),
                "baseline_style": style,
                **timings(solve_spec, base, fast, ratios),
            }
        )
    return rows


def measure(seconds: float, cases: str = "all") -> dict:
    rows = []
    for n, b, seed in CASES if cases in ("all", "reference") else []:
        spec = SearchSpec(n=n, sample_size=b, seed=seed, max_trials=10**9)
        _, k, base_first = baseline_rate(spec, seconds / ROUNDS)
        engine_first = search(SearchSpec(n=n, sample_size=b, seed=seed, max_trials=k)).trials
        if base_first is not None and engine_first != base_first:
            raise SystemExit(
                f"engine and baseline disagree at N={n}: {engine_first} vs {base_first}"
            )
        base, fast, ratios = side_by_side(
            lambda s, spec=spec: baseline_rate(spec, s)[0],
            lambda s, spec=spec: engine_rate(spec, s),
            seconds,
        )
        solve_spec = SearchSpec(n=n, sample_size=b, seed=seed)
        rows.append(
            {"n": n, "sample_size": b, "seed": seed, **timings(solve_spec, base, fast, ratios)}
        )
    paper = measure_paper(seconds) if cases in ("all", "paper") else []
    return {
        "machine": machine(),
        "numpy": np.__version__,
        "rounds": ROUNDS,
        "headline": headline(),
        "rows": rows,
        "paper_rows": paper,
    }


def headline() -> dict:
    """The headline search (the reference's defaults, seed 0) timed alone, one worker:
    the README's headline wallclock (a workflow search job may share the cores)."""
    spec = SearchSpec()
    search(spec)  # warm-up: imports, caches
    t0 = time.perf_counter()
    out = search(spec)
    return {
        "params": spec.as_params(),
        "trials": out.trials,
        "wallclock_s": time.perf_counter() - t0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    ap.add_argument(
        "--cases", choices=("all", "reference", "paper"), default="all", help="which protocols"
    )
    ap.add_argument("--json", help="also write the table here")
    args = ap.parse_args(argv)
    result = measure(args.seconds, args.cases)
    print(f"# {result['machine']}")
    if result["rows"]:
        print(
            f"{'N':>5} {'B':>5} {'seed':>4} {'baseline/s':>11} {'engine/s':>11} {'ratio':>8}"
            "  search to first solve: 1 worker / 2 workers"
        )
    for r in result["rows"]:
        print(
            f"{r['n']:>5} {r['sample_size']:>5} {r['seed']:>4} "
            f"{r['baseline_trials_per_s']:>11,.0f} {r['engine_trials_per_s']:>11,.0f} "
            f"{r['ratio']:>7,.0f}x  {r['solve_trials']:,} trials: "
            f"{r['solve_s_1_worker']:.2f} s / {r['solve_s_2_workers']:.2f} s"
        )
    if result["paper_rows"]:
        print(
            f"{'paper arch':>22} {'baseline/s':>11} {'engine/s':>11} {'ratio':>8}"
            "  search to first solve: 1 worker / 2 workers"
        )
    for r in result["paper_rows"]:
        name = f"{r['arch']} H={r['hidden']} {r['order']}/{r['readout']}"
        print(
            f"{name:>22} {r['baseline_trials_per_s']:>11,.0f} {r['engine_trials_per_s']:>11,.0f} "
            f"{r['ratio']:>7,.0f}x  seed {r['seed']}: {r['solve_trials']:,} trials: "
            f"{r['solve_s_1_worker']:.2f} s / {r['solve_s_2_workers']:.2f} s"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
