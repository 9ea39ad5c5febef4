"""The engine's compiled fast path: each trial's first misclassified sequence, by numba.

The numpy time loop (:meth:`~rsparity.nets.base.Architecture.loop_correct`)
runs many trials on a chunk of sequences at once and pays a numpy call per
unit and step.  Here one compiled loop takes a trial at a time, its sequences
in training order, and stops at the first one it gets wrong - the protocol's
order, so its sequence-steps are exactly those of
:func:`rsparity.engine.numpy_survivors`.
Three exact shortcuts make it cheap:

* **memoised transitions.** On inputs of exactly -1, +1 or 0 the next state is
  a function of the state and the input, and saturating units (tanh of
  |a| > 19, the logistic's of |a| > 38) make a trial revisit a few states.
  Each new (state, input) pair is computed once and kept in a table of up to
  ``MEMO_STATES`` states per trial, shared by all of the trial's sequences;
  states are merged only when every unit value is equal.  Past the cap (or
  with noisy inputs) the trial is stepped directly.
* **pairs of inputs.** Each (state, two inputs) pair a walk has taken is kept
  too, so a walk through known states takes one dependent lookup per two inputs
  (1.5x at N = 500; four inputs at once cost more in table upkeep than they save).
* **retiring fixed points.** A state that is its own successor for every input
  the data contains cannot change any more, so the rest of the sequence is
  skipped (the ``readout="extra"`` step still runs).  On noisy inputs, stepped
  directly, a step that keeps the state asks whether every input value the data
  holds (two intervals, split at 0) would saturate every unit the same way
  (``_settled``); rare there (the paper's noisy A1 changes state at a median of
  460 of a first sequence's 585 steps): 1.14x less CPU on those searches.

Every pre-activation is the same left fold, in the same order, as the numpy
nets (:mod:`rsparity.nets`); only ``tanh`` is a different implementation
(libm's ``tanh``, or from |a| = 1 on its ``exp``, instead of numpy's SIMD loop),
which may differ in the last bits.  So a verdict whose read-out lies within
``MARGIN`` of its decision boundary is returned as *unsure* and the engine decides that trial on the
numpy path, and every solver the kernel reports is re-checked there before it
is accepted (:func:`rsparity.engine.scan_block`).  A net is compiled by
*lowering* it to a term table (:data:`LOWERINGS`): per unit, which values it
sums in which order; adding a net means adding its lowering.  The kernel steps any
term table (``TERMS``); the three families have a step of their own with the same
fold written out (``*_STEP``; benchmarks/kernel_steps.py), tested equal to the term
table's.

The engine runs it only where it is faster (:func:`wins`), and imports numba
only in a search that has run ``LOAD_AFTER_S`` on the numpy path (or where it
is loaded already), never on ``import rsparity``; without numba (or with
``RSPARITY_KERNEL=numpy``) the engine uses the numpy path.  The
compiled code is cached next to this file (numba's ``cache=True``), so a
fresh process loads it instead of compiling, and it releases the GIL, so
searches running as threads of one process use every core.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .data import Dataset
from .nets import Architecture, Params, n_trials

MEMO_STATES = 256
"""Most states a trial's transition table holds (solvers have ~5-100; past it: direct steps)."""
MARGIN = 1e-7
"""A read-out within this of its decision boundary is decided on the numpy path."""
PASS, FAIL, UNSURE = 1, 0, 2
"""Per-trial status of :func:`scan`."""
BIAS, INPUT = 0, 1
"""Term sources: a constant 1.0, the input; ``2 + j`` is unit j's previous value and
``2 + U + j`` its value from earlier in this step (the paper's layered order)."""
TANH, LOGISTIC2 = 0, 1
"""Unit activations: ``tanh(a)``; ``1 + tanh(a)``, the paper nets' doubled logistic of 2a."""
SIGN, TOLERANCE_TEST = 0, 1
"""Verdicts: ``sign(z) == target``; ``|0.5 z - target| < tol``."""
TERMS, REFERENCE_STEP, A1_STEP, A2_STEP = range(4)
"""How the kernel steps a program: by its term table (any net), or by a family's step
with the same fold written out (faster; tested equal to the term table's)."""


Term = tuple[int, str, int, float]
"""(source, weight array name, flat index into that array's trial row, scale): one
summand ``value(source) * params[name][t].flat[index] * scale`` (``name`` "" is 1.0)."""


@dataclass(frozen=True)
class Program:
    """A net as the kernel runs it, for any trials: per unit ``i``, ``count[i]`` terms
    summed left to right, term k being ``value(source[i, k]) * w[i, k]``, then
    ``activation[i]``; the read-out ``z`` is the same fold over the final state
    (``read_*``).  A trial's ``w[i, k]`` is ``flat[t, index[i, k]] * scale[i, k]``,
    ``flat`` being its weight arrays side by side and a last column of ones."""

    keys: tuple[str, ...]
    """The weight arrays making up ``flat``, in order."""
    source: np.ndarray
    """(U, K) int64."""
    index: np.ndarray
    """(U, K) int64 columns of ``flat``."""
    scale: np.ndarray
    """(U, K) float64."""
    count: np.ndarray
    """(U,) int64."""
    activation: np.ndarray
    """(U,) int64."""
    read_source: np.ndarray
    read_index: np.ndarray
    read_scale: np.ndarray
    verdict: int
    tolerance: float = 0.0
    extra: bool = False
    """One more step with input 0.0 after each sequence's last input."""
    step: int = TERMS
    """The family's step for this term table (``*_STEP``), or ``TERMS``."""
    layered: bool = False
    """The paper nets' layered order (for their families' steps)."""

    def flat(self, params: Params) -> np.ndarray:
        """(T, D + 1): the trials' weight arrays side by side, then a column of ones."""
        trials = n_trials(params)
        parts = [params[k].reshape(trials, -1) for k in self.keys]
        return np.concatenate([*parts, np.ones((trials, 1))], axis=1)


def _program(
    params: Params, units: list[list[Term]], activation: int, read: list[Term], **rest
) -> Program:
    """Assemble a :class:`Program` from per-unit term lists (see :data:`Term`)."""
    keys = tuple(params)
    offsets, at = {}, 0
    for key in keys:
        offsets[key] = at
        at += int(np.prod(params[key].shape[1:], dtype=np.int64))
    offsets[""] = at  # the column of ones

    def table(rows: list[list[Term]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = max(len(r) for r in rows)
        source = np.zeros((len(rows), k), dtype=np.int64)
        index = np.full((len(rows), k), at, dtype=np.int64)
        scale = np.ones((len(rows), k))
        for i, row in enumerate(rows):
            for j, (src, key, col, sc) in enumerate(row):
                source[i, j], index[i, j], scale[i, j] = src, offsets[key] + col, sc
        return source, index, scale

    source, index, scale = table(units)
    rsource, rindex, rscale = table([read])
    return Program(
        keys, source, index, scale, np.array([len(u) for u in units], dtype=np.int64),
        np.full(len(units), activation, dtype=np.int64), rsource[0], rindex[0], rscale[0],
        **rest,
    )  # fmt: skip


def _reference(arch: Architecture, params: Params, data: Dataset) -> Program:
    """``full`` / ``nodiag``: the fold of :meth:`FullTanh._step` (recurrent, input, bias)."""
    h = params["b_h"].shape[1]
    units = [
        [(2 + j, "W_hh", j * h + i, 1.0) for j in range(h)]
        + [(INPUT, "W_xh", i, 1.0), (BIAS, "b_h", i, 1.0)]
        for i in range(h)
    ]
    read = [(2 + j, "W_hy", j, 1.0) for j in range(h)] + [(BIAS, "b_y", 0, 1.0)]
    return _program(params, units, TANH, read, verdict=SIGN, step=REFERENCE_STEP)


def _paper(arch: Architecture, params: Params, data: Dataset, units: list, step: int) -> Program:
    """The paper nets' read-out (the output unit, the last) and criterion."""
    from .nets.paper import THRESHOLD_TOLERANCE, TOLERANCE

    tolerance = THRESHOLD_TOLERANCE if data.variant == "threshold" else TOLERANCE
    read = [(1 + len(units), "", 0, 1.0)]
    return _program(
        params, units, LOGISTIC2, read, verdict=TOLERANCE_TEST, tolerance=tolerance,
        extra=data.readout == "extra", step=step, layered=data.order == "layered",
    )  # fmt: skip


def _a1(arch: Architecture, params: Params, data: Dataset) -> Program:
    """A1: :meth:`A1._step`'s fold (input, bias, then every unit j), weights prepared as
    there (input and bias halved, recurrent quartered)."""
    u = params["b"].shape[1]
    layered = data.order == "layered"
    units = []
    for i in range(u):
        new = layered and i == u - 1  # the output unit sees this step's hidden units
        recurrent = [
            (2 + j + (u if new and j < u - 1 else 0), "W_rec", j * u + i, 0.25) for j in range(u)
        ]
        units.append([(INPUT, "W_in", i, 0.5), (BIAS, "b", i, 0.5), *recurrent])
    return _paper(arch, params, data, units, A1_STEP)


def _a2(arch: Architecture, params: Params, data: Dataset) -> Program:
    """A2 / A2noself: :meth:`A2._step`'s fold; hidden units 0..H-1, the output unit H."""
    h = params["b_h"].shape[1]
    out = 2 + h  # the output unit's previous value
    units = []
    for i in range(h):
        terms = [(INPUT, "W_xh", i, 0.5), (BIAS, "b_h", i, 0.5)]
        if arch.self_loops:
            terms.append((2 + i, "w_self", i, 0.25))
        units.append([*terms, (out, "W_oh", i, 0.25)])
    first = 2 + (h + 1) if data.order == "layered" else 2  # this step's hidden units or last
    units.append(
        [(INPUT, "W_xo", 0, 0.5), (BIAS, "b_o", 0, 0.5)]
        + [(first + j, "W_ho", j, 0.25) for j in range(h)]
    )
    return _paper(arch, params, data, units, A2_STEP)


LOWERINGS: dict[str, Callable[[Architecture, Params, Dataset], Program]] = {
    "full": _reference,
    "nodiag": _reference,
    "A1": _a1,
    "A2": _a2,
    "A2noself": _a2,
}
"""Net name -> its lowering; a net without one is searched on the numpy path."""


_CODES: dict[int, tuple[Dataset, tuple]] = {}
""":func:`_codes` of the last few data sets (a search scans one set block after block)."""


def _codes(data: Dataset) -> tuple:
    """:func:`_input_codes` and the kernel's copies of the lengths (int64), targets
    (float64) and cumulative lengths, computed once per data set."""
    hit = _CODES.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    lengths = data.lengths.astype(np.int64)
    codes = (*_input_codes(data), lengths, data.target.astype(np.float64), np.cumsum(lengths))
    if len(_CODES) >= 8:
        _CODES.clear()
    _CODES[id(data)] = (data, codes)
    return codes


OTHER = 255
"""The symbol of an input other than -1.0, +1.0 and 0.0."""


def _input_codes(
    data: Dataset,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """(x (B, L), code (B, L), pairs (B, ceil(L / 2)), alphabet (3,), bounds, memo): per
    step the input and its symbol (0: -1.0, 1: +1.0, 2: 0.0; ``OTHER`` another value,
    e.g. noise; unsigned, as the kernel's lookups), and per two steps 2j, 2j + 1 the
    pair's code ``3 code[2j] + code[2j + 1]``; ``memo`` is False when any step of any
    sequence has another value, ``alphabet`` marks the symbols the data uses;
    ``bounds`` is lo, hi of the negative inputs and of the others (intervals covering
    every input, for the scan's settled check on noisy data)."""
    x = np.ascontiguousarray(data.x.T)
    code = np.full(x.shape, OTHER, dtype=np.uint8)
    for symbol, value in enumerate((-1.0, 1.0, 0.0)):
        code[x == value] = symbol
    inside = np.arange(x.shape[1]) < data.lengths[:, None]
    used = code[inside]
    alphabet = np.array([bool(np.any(used == s)) for s in range(3)])
    even = np.zeros((x.shape[0], x.shape[1] + x.shape[1] % 2), dtype=np.int64)
    even[:, : x.shape[1]] = np.where(code == OTHER, 0, code)  # pairs are unused without memo
    pairs = (3 * even[:, 0::2] + even[:, 1::2]).astype(np.uint8)
    values = x[inside]
    bounds = [
        f(part)
        for part in (values[values < 0], values[values >= 0])
        if part.size
        for f in (np.min, np.max)
    ]
    return x, code, pairs, alphabet, np.array(bounds, dtype=np.float64), bool(np.all(used != OTHER))


def wanted() -> bool:
    """Whether the compiled path is asked for (``RSPARITY_KERNEL`` is not ``numpy``)."""
    return os.environ.get("RSPARITY_KERNEL", "numba") != "numpy"


LOAD_AFTER_S = 0.3
"""A search loads the kernel only once it has run this long on the numpy path: loading
(numba's import and its cached code) takes ~0.6 s, more than most searches."""

_COMPILED = None


def loaded() -> bool:
    """Whether the compiled scan is loaded in this process (then it costs nothing more)."""
    return bool(_COMPILED)


def compiled():
    """The compiled scans (one per ``*_STEP``), or None when numba is missing or not
    wanted (imported once)."""
    global _COMPILED
    if _COMPILED is None:
        if not wanted():
            return None
        try:
            from . import _kernel_numba
        except ImportError:
            _COMPILED = False
        else:
            _COMPILED = _kernel_numba.SCANS
    return _COMPILED or None


MIN_REFERENCE_STEPS = 150
"""The reference nets take the kernel only on sequences at least this long.  Measured
(trials/s, kernel / numpy path, one core, benchmarks/kernel_or_numpy.py): N = 50 0.65,
N = 100 0.75, N = 150 1.09, N = 200 1.24, N = 500 2.16 - with ~2 short sequences a
trial, numpy's SIMD tanh over 16k trials at once beats a scalar tanh per new
transition.  The paper nets (H sigmoid units, lengths >= 500 at the paper's N) gain
more."""


def wins(arch: Architecture, data: Dataset) -> bool:
    """Whether the kernel is faster than the numpy path for ``arch`` on ``data`` (has a
    lowering, and for the reference nets long enough sequences); loads nothing."""
    if arch.name not in LOWERINGS:
        return False
    return arch.protocol != "reference" or data.max_length >= MIN_REFERENCE_STEPS


def applies(arch: Architecture, data: Dataset) -> bool:
    """Whether :func:`scan` runs the kernel for ``arch`` on ``data`` (loading it)."""
    return wins(arch, data) and compiled() is not None


def scan(arch: Architecture, params: Params, data: Dataset) -> tuple[np.ndarray, np.ndarray] | None:
    """(status (T,) in PASS / FAIL / UNSURE, sequence-steps (T,)) of every trial, or None
    where the kernel does not apply (:func:`applies`).  A FAIL trial's steps are exact
    (its sequences up to and including the first wrong one); PASS and UNSURE trials' are
    the engine's to settle (PASS: all of them, once re-checked)."""
    if not applies(arch, data):
        return None
    arch._check(data)
    params, program = lower(arch, params, data)
    return run(program, program.flat(params), data)


def lower(arch: Architecture, params: Params, data: Dataset) -> tuple[Params, Program]:
    """(the weights ``arch`` runs with on ``data``, its :class:`Program`): the drawn
    ``params`` through :meth:`~Architecture.effective`, then the net's lowering."""
    params = arch.effective(params, data)
    return params, LOWERINGS[arch.name](arch, params, data)


def run(
    program: Program, flat: np.ndarray, data: Dataset, step: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(status, sequence-steps) of the trials ``flat`` (:meth:`Program.flat`) of
    ``program`` on ``data``, by the compiled scan of ``step`` (default: the program's
    own; the kernel must be loaded, :func:`compiled`)."""
    x, code, pairs, alphabet, bounds, memo, lengths, target, ends = _codes(data)
    status = np.empty(flat.shape[0], dtype=np.int64)
    spent = np.empty(flat.shape[0], dtype=np.int64)
    compiled()[program.step if step is None else step](
        flat, program.index, program.scale, program.source, program.count, program.activation,
        program.layered, program.read_index, program.read_scale, program.read_source,
        program.verdict, program.tolerance, MARGIN, program.extra, x, code, pairs, lengths, target,
        ends, alphabet, bounds, memo, MEMO_STATES, status, spent,
    )  # fmt: skip
    return status, spent
