"""Two choices inside the kernel's scan, each against the form it replaced, in one process.

* **tanh.** The kernel's unit (``rsparity._kernel_numba._unit``: from |a| = 1 on,
  1 - 2 / (exp(2|a|) + 1) with the sign of a) against the same unit calling libm's
  ``tanh`` throughout, on pre-activations uniform in [-R, R].  Also prints the largest
  difference of each from ``np.tanh`` in units in the last place.
* **lookups.** The walk through a memoised transition table - each lookup's address
  depends on the previous one - with unsigned rows and symbols (as the scan has them)
  against signed ones, for which numba adds a negative-index check to every lookup.
  A random automaton of 16 states on random +-1 sequences; both walks must end in the
  same states.

Prints the median time of each (ns per call or per step) and the ratio.

    python benchmarks/kernel_micro.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
from numba import njit

from rsparity._kernel_numba import SATURATED, _unit


@njit(cache=False)
def _libm_unit(a):
    if a > SATURATED:
        return 1.0
    if a < -SATURATED:
        return -1.0
    return math.tanh(a)


@njit(cache=False)
def _libm_units(a, out):
    for i in range(a.size):
        out[i] = _libm_unit(a[i])


@njit(cache=False)
def _kernel_units(a, out):
    for i in range(a.size):
        out[i] = _unit(a[i], 0)


@njit(cache=False)
def _signed_walk(trans, code, out):
    for b in range(code.shape[0]):
        codes, at = code[b], 0
        for s in range(codes.size):
            at = trans[at + codes[s]]
        out[b] = at


@njit(cache=False)
def _unsigned_walk(trans, code, out):
    for b in range(code.shape[0]):
        codes, at = code[b], np.uint32(0)
        for s in range(codes.size):
            at = trans[at + codes[np.uint32(s)]]
        out[b] = at


def _ulps(got: np.ndarray, want: np.ndarray) -> int:
    bits = [v.view(np.int64) for v in (got, want)]
    return int(np.max(np.abs(bits[0] - bits[1])))


def _median_ns(fn, args, count: int, repeats: int) -> float:
    times = []
    for _ in range(repeats + 1):  # the first round compiles
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return 1e9 * statistics.median(times[1:]) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)

    print("tanh (ns per call)      libm tanh   kernel  ratio   max ulp vs np.tanh: libm, kernel")
    for r in (1.0, 3.0, SATURATED, 40.0):
        a = rng.uniform(-r, r, 2_000_000)
        outs = {f: np.empty_like(a) for f in (_libm_units, _kernel_units)}
        libm, ours = (_median_ns(f, (a, out), a.size, args.repeats) for f, out in outs.items())
        want = np.tanh(a)
        ulps = [_ulps(out, want) for out in outs.values()]
        print(f"  uniform in [-{r:g}, {r:g}] {libm:9.2f} {ours:8.2f} {libm / ours:5.2f}x   "
              f"{ulps[0]}, {ulps[1]}")  # fmt: skip

    states, sequences, length = 16, 4096, 500
    successor = rng.integers(0, states, size=(states, 2))
    signed = np.zeros(4 * states, dtype=np.int32)
    signed[(4 * np.arange(states))[:, None] + np.arange(2)] = 4 * successor
    code = rng.integers(0, 2, size=(sequences, length))
    unsigned = signed.astype(np.uint32)
    walks = {
        _signed_walk: (signed, code.astype(np.int8), np.empty(sequences, np.int32)),
        _unsigned_walk: (unsigned, code.astype(np.uint8), np.empty(sequences, np.uint32)),
    }
    steps = sequences * length
    signed_ns, unsigned_ns = (_median_ns(f, a, steps, args.repeats) for f, a in walks.items())
    ends = [a[2].astype(np.int64) for a in walks.values()]
    if not np.array_equal(*ends):
        raise SystemExit("the signed and the unsigned walk disagree")
    print("lookups (ns per step)     signed  unsigned  ratio")
    print(f"  {states} states, {sequences} x {length} {signed_ns:9.2f} {unsigned_ns:9.2f} "
          f"{signed_ns / unsigned_ns:5.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
