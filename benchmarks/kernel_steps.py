"""The kernel's family steps against its term-table step, in one process, on the same trials.

Each net family has a step of its own in ``rsparity/_kernel_numba.py`` (the fold of
its lowering written out) beside the step that runs any lowering's term table
(``TERMS``).  This scans the same block of trials with both compiled scans, in
alternation, checks that every trial's status and sequence-steps agree, and prints
the median time per trial and the ratio: the measured reason each family step exists.

    python benchmarks/kernel_steps.py [--trials 16384] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from rsparity import kernel
from rsparity.engine import open_stream
from rsparity.spec import SearchSpec

PAPER = {"n": 500, "weight_scale": 100.0, "sample_size": 100, "seed": 1}
CASES = {
    "full H=2, N=50, B=2048": SearchSpec(n=50, sample_size=2048, seed=1),
    "full H=2, N=500, B=1024": SearchSpec(n=500, sample_size=1024, seed=8),
    "A1 layered/last": SearchSpec(arch="A1", hidden=1, order="layered", readout="last", **PAPER),
    "A1 layered/last, noise 0.2": SearchSpec(
        arch="A1", hidden=1, order="layered", readout="last", noise=0.2, **PAPER
    ),
    "A2 layered/last": SearchSpec(arch="A2", hidden=10, order="layered", readout="last", **PAPER),
    "A2 sync/extra": SearchSpec(arch="A2", hidden=10, order="sync", readout="extra", **PAPER),
    "A2noself layered/last": SearchSpec(
        arch="A2noself", hidden=10, order="layered", readout="last", **PAPER
    ),
}


def _timed(program, flat, data, step):
    start = time.perf_counter()
    status, spent = kernel.run(program, flat, data, step)
    return time.perf_counter() - start, status, spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16384)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    if kernel.compiled() is None:
        raise SystemExit("numba is not available (or RSPARITY_KERNEL=numpy): nothing to compare")
    print(f"{'case':28s} {'term table':>11s} {'family':>9s}  ratio  (us per trial, median of "
          f"{args.repeats}, {args.trials} trials)")  # fmt: skip
    for name, spec in CASES.items():
        stream = open_stream(spec)
        params, program = kernel.lower(stream.arch, stream.params(1, args.trials), stream.data)
        flat = program.flat(params)
        times = {kernel.TERMS: [], program.step: []}
        results = {}
        for _ in range(args.repeats + 1):  # the first round loads (or compiles) both
            for step in times:
                seconds, status, spent = _timed(program, flat, stream.data, step)
                times[step].append(seconds)
                results[step] = status, spent
        ours, theirs = results[program.step], results[kernel.TERMS]
        if not (np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])):
            raise SystemExit(f"{name}: the family step and the term table disagree")
        terms, family = (1e6 * statistics.median(times[s][1:]) / args.trials for s in times)
        print(f"{name:28s} {terms:11.2f} {family:9.2f}  {terms / family:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
