"""Where the kernel beats the numpy path for the reference nets (``kernel.MIN_REFERENCE_STEPS``).

For the reference protocol's ``full`` net (H = 2, r = 30) at several N, the engine scans
the same blocks of trials once on the compiled kernel and once on the numpy path, in
alternation, and checks that both find the same first solver and sequence-steps.  It
prints the trials per second of each and their ratio.  The paper nets always take the
kernel (2-10x here), so they are not measured.

    python benchmarks/kernel_or_numpy.py [--blocks 3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from rsparity import kernel
from rsparity.engine import SEARCH_BLOCK, SEARCH_CHUNK_PAIRS, open_stream, scan_block
from rsparity.spec import SearchSpec

CASES = [(50, 2048), (100, 2048), (150, 2048), (200, 2048), (300, 1024), (500, 1024)]
"""(N, B) of the training sets."""


def _rate(stream, blocks: int, fast: bool) -> tuple[float, list]:
    start, found = time.perf_counter(), []
    for first in range(1, blocks * SEARCH_BLOCK, SEARCH_BLOCK):
        found.append(scan_block(stream, first, SEARCH_BLOCK, SEARCH_CHUNK_PAIRS, fast))
    return blocks * SEARCH_BLOCK / (time.perf_counter() - start), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if kernel.compiled() is None:
        raise SystemExit("numba is not available (or RSPARITY_KERNEL=numpy): nothing to compare")
    kernel.MIN_REFERENCE_STEPS = 0  # let the kernel take every N here
    print(f"    N     B   kernel/s    numpy/s  kernel / numpy  (median of {args.repeats}, "
          f"{args.blocks} blocks of {SEARCH_BLOCK:,} trials)")  # fmt: skip
    for n, b in CASES:
        stream = open_stream(SearchSpec(n=n, sample_size=b, seed=0))
        scan_block(stream, 1, 1024, SEARCH_CHUNK_PAIRS)  # warm-up
        rates: dict[bool, list[float]] = {True: [], False: []}
        results = {}
        for _ in range(args.repeats):
            for fast in rates:
                rate, results[fast] = _rate(stream, args.blocks, fast)
                rates[fast].append(rate)
        if results[True] != results[False]:
            raise SystemExit(f"N = {n}: the kernel and the numpy path disagree")
        fast, slow = (statistics.median(rates[f]) for f in (True, False))
        print(f"{n:5d} {b:5d} {fast:10,.0f} {slow:10,.0f} {fast / slow:15.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
