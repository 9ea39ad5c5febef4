"""A fix for Snakemake's scheduler when a run has thousands of short jobs.

Snakemake 9 (``JobScheduler._schedule_reevalutation``, snakemake/snakemake#3804)
starts a ``threading.Timer`` on every scheduling pass while a job-rate limit is set
(``--max-jobs-per-timespan``, default 100/1s): each timer re-opens the scheduler when
it fires, that pass starts another timer, and timers are never retired.  After J jobs
about J timers fire every second, each a full pass over the ready jobs: measured here,
a rebuild's 762 searches left the main process at 100 % of one core, 556,991 timer
threads started in 42 minutes, and the searches got 41 % of the CPU.  One pending
re-evaluation is all the limiter needs (a pass looks at every ready job), so
:func:`coalesce_reevaluations` keeps at most one timer, as a daemon thread (a
finished run does not wait for it).
"""

from __future__ import annotations

import threading
from typing import Any


def coalesce_reevaluations(scheduler_class: Any) -> bool:
    """Patch ``scheduler_class._schedule_reevalutation`` (Snakemake's spelling) to keep
    one daemon timer at a time; False (and nothing changed) if it has no such method."""
    if not hasattr(scheduler_class, "_schedule_reevalutation"):
        return False
    if getattr(scheduler_class, "_rsparity_coalesced", False):
        return True
    lock = threading.Lock()

    def schedule(self, delay: float) -> None:
        with lock:
            if getattr(self, "_rsparity_timer", None) is not None:
                return  # the pending one re-opens the scheduler; that pass may ask again

            def fire() -> None:
                with lock:
                    self._rsparity_timer = None
                self._open_jobs.release()

            self._rsparity_timer = threading.Timer(delay, fire)
            self._rsparity_timer.daemon = True
            self._rsparity_timer.start()

    scheduler_class._schedule_reevalutation = schedule
    scheduler_class._rsparity_coalesced = True
    return True


def patch_snakemake() -> bool:
    """:func:`coalesce_reevaluations` on the running Snakemake's scheduler, if it has one."""
    try:
        from snakemake.scheduling.job_scheduler import JobScheduler
    except ImportError:
        return False
    return coalesce_reevaluations(JobScheduler)
