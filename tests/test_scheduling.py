"""The Snakemake scheduler fix (rsparity.scheduling): one pending re-evaluation timer."""

import threading

from snakemake.scheduling.job_scheduler import JobScheduler

from rsparity.scheduling import coalesce_reevaluations


def _scheduler_class():
    class Scheduler:
        """Snakemake 9's behaviour (job_scheduler.py): a new timer on every call."""

        def __init__(self):
            self._open_jobs = threading.Semaphore(0)

        def _schedule_reevalutation(self, delay):
            threading.Timer(delay, lambda: self._open_jobs.release()).start()

    return Scheduler


def _timers():
    return {t for t in threading.enumerate() if isinstance(t, threading.Timer)}


def test_unpatched_every_pass_starts_a_timer():
    """The storm the patch removes (and a check that the fake behaves like Snakemake)."""
    s = _scheduler_class()()
    before = _timers()
    for _ in range(50):
        s._schedule_reevalutation(60)
    new = _timers() - before
    for timer in new:
        timer.cancel()
    assert len(new) == 50


def test_many_passes_leave_one_daemon_timer_and_it_reopens_the_scheduler():
    cls = _scheduler_class()
    assert coalesce_reevaluations(cls)
    s = cls()
    before = _timers()
    for _ in range(1000):
        s._schedule_reevalutation(0.2)
    new = _timers() - before
    assert len(new) == 1 and all(t.daemon for t in new)
    assert s._open_jobs.acquire(timeout=5)  # it fires ...
    s._schedule_reevalutation(0.01)  # ... and the pass it opens may ask again
    assert s._open_jobs.acquire(timeout=5)
    assert not s._open_jobs.acquire(timeout=0.3)  # once per request


def test_the_installed_snakemake_has_the_method_the_patch_replaces():
    """A Snakemake that renamed it would silently keep the storm: fail instead."""
    assert coalesce_reevaluations(JobScheduler)
    assert JobScheduler._rsparity_coalesced


def test_a_class_without_the_method_is_left_alone():
    class Other:
        pass

    assert not coalesce_reevaluations(Other)
    assert not hasattr(Other, "_schedule_reevalutation")
