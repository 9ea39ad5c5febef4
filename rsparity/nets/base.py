"""The interface every net implements, its registry, and the two exact scoring paths.

A net (an :class:`Architecture`) turns a block of uniform weight draws into
per-trial parameter arrays (:meth:`~Architecture.unpack`) and defines one time
step of its units (:meth:`~Architecture._step`), the read-out quantity of a
state (:meth:`~Architecture._output`) and the success test of a sequence
(:meth:`~Architecture._verdict`).  From those three the base class derives
both ways of deciding which sequences a trial gets right:

* the **time loop** (:meth:`~Architecture.loop_correct`): every step of every
  sequence, many trials and sequences at once;
* the **automaton** (:meth:`~Architecture.automaton_correct`): on inputs of
  exactly -1 / +1 the states one trial can reach form a small set when its
  units saturate; :mod:`rsparity.automaton` enumerates them with the same
  :meth:`_step` and runs every sequence through the transition table.

Every step is a left fold of elementwise numpy operations in one documented
order (no matmul, no reductions), so a value does not depend on the shape of
the arrays it is computed in: both paths, and any batching of trials or
sequences, give bit-identical verdicts (tested).  The search engine, the
solver's accuracies and the trace all go through :meth:`~Architecture.correct`
or :meth:`~Architecture.automaton_correct`.

To add a net: subclass :class:`Architecture` (or a family's base class), give
it ``name`` and ``protocol``, and decorate it with :func:`register`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np

from ..automaton import CODE_BITS, Transition, final_states, reachable
from ..data import Dataset
from ..errors import InputError

Params = dict[str, np.ndarray]
"""Weight arrays of T trials; every array has the trial axis first."""
State = tuple[np.ndarray, ...]
"""A net's unit values for T trials and c sequences, in the arrays its step works on."""

ARCHITECTURES: dict[str, Architecture] = {}
PROTOCOLS = ("reference", "paper")
"""The data protocols (:mod:`rsparity.protocols`), in the order nets are listed."""

AUTOMATON_MIN_SEQUENCES = 16
""":meth:`Architecture.correct` scores a single trial on at least this many +-1
sequences by its automaton (a solver on its training and held-out sets); many
trials at once are cheaper in the time loop, where non-saturating trials cost
no more than saturating ones."""
SOLVER_STATE_CAP = 1024
"""Most reachable states the automaton enumerates for a single trial (solvers have ~5-100)."""
LOOP_GROUP_ELEMENTS = 1 << 15
"""The time loop runs trials in groups whose largest array has about this many elements
(cache-sized)."""


def register(cls: type[Architecture]) -> type[Architecture]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    ARCHITECTURES[cls.name] = cls()
    return cls


def get_architecture(name: str) -> Architecture:
    """The registered architecture ``name``; :class:`InputError` names the allowed ones."""
    try:
        return ARCHITECTURES[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown arch {name!r}; allowed: {allowed_names()}") from None


def allowed_names() -> str:
    """Registered names grouped by protocol (in ``PROTOCOLS`` order), then registration order."""
    groups = {
        proto: [n for n, a in ARCHITECTURES.items() if a.protocol == proto] for proto in PROTOCOLS
    }
    return "; ".join(
        f"{', '.join(names)} ({proto} protocol)" for proto, names in groups.items() if names
    )


def select(params: Params, idx: np.ndarray | slice) -> Params:
    """The parameters of the trials ``idx``."""
    return {k: v[idx] for k, v in params.items()}


def n_trials(params: Params) -> int:
    """Number of trials T in ``params``."""
    return next(iter(params.values())).shape[0]


def columns(a: np.ndarray, scale: float = 1.0) -> list[np.ndarray]:
    """(T, K) -> K contiguous (T, 1) columns times ``scale``, for broadcasting over sequences."""
    return [np.ascontiguousarray(a[:, k : k + 1]) * scale for k in range(a.shape[1])]


def plus_minus_one(data: Dataset, start: int, stop: int) -> bool:
    """Whether every input of sequences start..stop is exactly -1 or +1 (no noise)."""
    return bool(np.all(data.plus_minus_one[start:stop]))


class Architecture(ABC):
    """A recurrent net family: weight layout, one time step, read-out and success test."""

    name: ClassVar[str]
    protocol: ClassVar[str]
    """Name of the data/criterion protocol (see :mod:`rsparity.protocols`)."""

    # ------------------------------------------------------------ what a net defines

    @abstractmethod
    def n_weights(self, hidden: int) -> int:
        """Number of uniform draws per trial."""

    @abstractmethod
    def unpack(self, draws: np.ndarray, hidden: int) -> Params:
        """Split (T, n_weights) draws into named (T, ...) arrays."""

    @abstractmethod
    def _prepare(self, params: Params) -> dict[str, Any]:
        """The weights shaped (and scaled) for broadcasting over (T, c) state arrays."""

    @abstractmethod
    def _zeros(self, params: Params, count: int) -> State:
        """All-zero state arrays for ``count`` sequences (every unit starts at 0)."""

    @abstractmethod
    def _step(self, net: dict, old: State, new: State, xt: np.ndarray, layered: bool) -> None:
        """Write the state after input ``xt`` (c,) into ``new``; ``old`` is the previous one.

        ``net`` is :meth:`_prepare`'s dict plus ``net["work"]``, scratch arrays
        shaped like the state; ``layered`` is the paper protocol's update order.
        """

    @abstractmethod
    def _output(self, net: dict, state: State) -> np.ndarray:
        """The read-out quantity (T, c) of a state (the one :meth:`_verdict` judges)."""

    @abstractmethod
    def _verdict(self, output: np.ndarray, target: np.ndarray, data: Dataset) -> np.ndarray:
        """Bool: the read-out is right for the sequence's target (broadcasts); ``data``
        is the set being scored (a protocol may carry its criterion there)."""

    @abstractmethod
    def _units(self, state: State) -> np.ndarray:
        """(c, units) activations of trial 0, for plots."""

    def _unpack(self, state: State) -> list[np.ndarray]:
        """State arrays -> one (T, c) array per unit."""
        return list(state)

    def _pack(self, units: list[np.ndarray]) -> State:
        """Inverse of :meth:`_unpack`."""
        return tuple(units)

    def _width(self, params: Params) -> int:
        """Units per state array (the loop's trial group divides its budget by it)."""
        return 1

    def _check(self, data: Dataset) -> None:  # noqa: B027 - optional hook
        """Refuse data this net cannot be run on (default: any data)."""

    def _options(self, data: Dataset) -> tuple[bool, bool]:
        """(layered update order, one extra read-out step with input 0) for ``data``."""
        return False, False

    def effective(self, params: Params, data: Dataset) -> Params:
        """The weights the net runs with on ``data`` (default: ``params`` as drawn).

        A net whose data carries a variant that zeroes or rescales some weights
        (the paper nets' ``variant``) returns new arrays; the time loop and the
        automaton apply it exactly once to the drawn weights.
        """
        return params

    def record(self, params: Params) -> dict[str, list]:
        """One trial's weights as JSON-ready nested lists."""
        return {k: v[0].tolist() for k, v in params.items()}

    # ------------------------------------------------------------ the time loop

    def _run(self, params: Params, data: Dataset, start: int, stop: int, keep: bool):
        """(final state, per-step unit activations of trial 0 if ``keep``).

        A sequence's state is frozen after its read-out step, so sequences of
        different lengths share arrays and each is read at its own length.
        """
        self._check(data)
        params = self.effective(params, data)
        layered, extra = self._options(data)
        x = data.x[:, start:stop]
        ends = data.lengths[start:stop] + int(extra)
        steps, first_end = int(ends.max()), int(ends.min())
        zero = np.zeros(stop - start)
        net = self._prepare(params)
        old, new = self._zeros(params, stop - start), self._zeros(params, stop - start)
        net["work"] = tuple(np.empty_like(a) for a in old)
        history = []
        for t in range(steps):
            self._step(net, old, new, x[t] if t < x.shape[0] else zero, layered)
            if t >= first_end:
                done = t >= ends
                for a, b in zip(new, old, strict=True):
                    np.copyto(a, b, where=done)
            old, new = new, old
            if keep:
                history.append(self._units(old))
        return old, history

    def loop_correct(self, params: Params, data: Dataset, start: int, stop: int) -> np.ndarray:
        """:meth:`correct` by the time loop (any inputs), trials in cache-sized groups."""
        trials = n_trials(params)
        group = max(1, LOOP_GROUP_ELEMENTS // (self._width(params) * (stop - start)))
        target = data.target[start:stop]
        parts = []
        for lo in range(0, trials, group):
            some = params if group >= trials else select(params, slice(lo, lo + group))
            state, _ = self._run(some, data, start, stop, keep=False)
            net = self._prepare(self.effective(some, data))
            parts.append(self._verdict(self._output(net, state), target, data))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def states(self, params: Params, data: Dataset) -> np.ndarray:
        """(steps, B, units) activations of the first trial, frozen after each read-out."""
        first = {k: v[:1] for k, v in params.items()}
        _, history = self._run(first, data, 0, data.size, keep=True)
        return np.stack(history)

    # ------------------------------------------------------------ the automaton

    def _transition(self, params: Params, layered: bool) -> Transition:
        """One :meth:`_step` from given unit values, for :func:`~rsparity.automaton.reachable`."""

        def step(rows: np.ndarray, units: list[np.ndarray], xs: np.ndarray) -> list[np.ndarray]:
            some = select(params, rows)
            size, k = units[0].shape[1], xs.size
            old = self._pack([np.repeat(u, k, axis=1) for u in units])
            new = self._zeros(some, size * k)
            net = self._prepare(some)
            net["work"] = tuple(np.empty_like(a) for a in old)
            self._step(net, old, new, np.tile(xs, size), layered)
            return [u.reshape(rows.size, size, k) for u in self._unpack(new)]

        return step

    def automaton_correct(
        self,
        params: Params,
        data: Dataset,
        start: int,
        stop: int,
        cap: int = SOLVER_STATE_CAP,
        rounds: int | None = None,
        chunk: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(correct (T, stop - start), ok (T,)) via :mod:`rsparity.automaton`.

        Inputs must be exactly -1 / +1 within each sequence.  Exact where ``ok``;
        ``ok`` is False for trials with more than ``cap`` reachable states or
        still finding new ones after ``rounds`` breadth-first rounds (default: a
        quarter of the longest sequence's steps; past that the time loop is
        cheaper); their rows of ``correct`` are all False.  ``chunk`` bounds the
        trial-sequence pairs run through the table at once.
        """
        self._check(data)
        params = self.effective(params, data)
        layered, extra = self._options(data)
        trials = n_trials(params)
        units = len(self._unpack(self._zeros(params, 1)))
        steps = int(data.lengths[start:stop].max())
        step = self._transition(params, layered)
        rounds = max(1, steps // 4) if rounds is None else rounds
        values, delta, ok = reachable(step, [np.zeros(trials)] * units, steps, cap, rounds)
        out = np.zeros((trials, stop - start), dtype=bool)
        good = np.flatnonzero(ok)
        if good.size == 0:
            return out, ok
        read = [v[good] for v in values]  # the state after the last input
        if extra:  # ... or after one more step with input 0.0
            read = [u[:, :, 0] for u in step(good, read, np.zeros(1))]
        output = self._output(self._prepare(select(params, good)), self._pack(read))
        rows = stop - start if chunk is None else max(1, min(stop - start, chunk // good.size))
        for lo in range(start, stop, rows):
            hi = min(lo + rows, stop)
            final = final_states(delta[good], data.x[:, lo:hi], data.lengths[lo:hi], CODE_BITS)
            got = np.take_along_axis(output, final, axis=1)
            out[good, lo - start : hi - start] = self._verdict(got, data.target[lo:hi], data)
        return out, ok

    def automaton_applies(self, data: Dataset, start: int = 0, stop: int | None = None) -> bool:
        """Whether the automaton path is exact for sequences start..stop (+-1 inputs)."""
        return plus_minus_one(data, start, data.size if stop is None else stop)

    # ------------------------------------------------------------ both

    def correct(self, params: Params, data: Dataset, start: int, stop: int) -> np.ndarray:
        """Bool (T, stop - start): which of sequences start..stop each trial gets right.

        A single trial on at least ``AUTOMATON_MIN_SEQUENCES`` +-1 sequences goes
        through its automaton (the time loop takes over if it does not
        saturate); everything else through the time loop.  Same verdicts.
        """
        self._check(data)
        if (
            n_trials(params) != 1
            or stop - start < AUTOMATON_MIN_SEQUENCES
            or not self.automaton_applies(data, start, stop)
        ):
            return self.loop_correct(params, data, start, stop)
        out, ok = self.automaton_correct(params, data, start, stop)
        if not ok.all():
            out[~ok] = self.loop_correct(params, data, start, stop)
        return out
