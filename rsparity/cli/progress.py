"""Progress lines on a terminal: one line rewritten in place, only once a job has run
for ``PROGRESS_AFTER_S`` seconds (a quick run prints nothing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

PROGRESS_AFTER_S = 1.0


class _Line:
    def __init__(self, stream: TextIO, after: float) -> None:
        self.stream = stream
        self.after = after
        self.shown = False

    def _show(self, text: str) -> None:
        self.stream.write(f"\r# {text}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the line (a newline), if anything was shown."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class _ProgressLine(_Line):
    """``# trials ... (... trials/s)``: the engine's ``progress(trials, elapsed)``."""

    def __init__(self, stream: TextIO, after: float = PROGRESS_AFTER_S) -> None:
        super().__init__(stream, after)

    def __call__(self, trials: int, elapsed: float) -> None:
        if elapsed >= self.after:
            self._show(f"{trials:,} trials, {trials / elapsed:,.0f} trials/s")


class ProgressLine(_Line):
    """``# label: done of total unit (rate unit/s)``, for ``progress(done, total)``
    callbacks (the trace, the GIF frames, the basin grid); time from ``clock``."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        unit: str,
        after: float = PROGRESS_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stream, after)
        self.label, self.unit, self.clock = label, unit, clock
        self.start = clock()

    def __call__(self, done: int, total: int) -> None:
        elapsed = self.clock() - self.start
        if elapsed >= self.after:
            rate = done / elapsed if elapsed > 0 else 0.0
            self._show(f"{self.label}: {done:,} of {total:,} {self.unit}, {rate:,.0f}/s")
