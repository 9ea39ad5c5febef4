"""Gradient-descent training of the same parity nets, for comparison with the random search.

Importing :mod:`.nets` (which every module that computes imports) switches JAX to
float64 (``jax_enable_x64``): the nets saturate, and float32 would blur the
verdicts the engine computes in float64.  This package's ``__init__`` and the
study's modules (:mod:`.spec`, :mod:`.study`, :mod:`.tables`, :mod:`.claims`,
:mod:`.figures`) do not import JAX, so neither the search, nor the config check
of every Snakemake run, nor a no-op rerun pays for it.

Modules: :mod:`.spec` (what one cell is), :mod:`.nets` (JAX forward passes),
:mod:`.data` (training sets per regime, cost accounting), :mod:`.optim`
(momentum and Adam), :mod:`.train` (one cell, all restarts at once),
:mod:`.vanishing` (gradient norms w.r.t. the initial state), :mod:`.summary`
(rows per cell, Clopper-Pearson intervals, best learning rate).
"""

import os

XLA_POOL = "PJRT_NPROC"
"""The environment variable that sizes XLA's CPU thread pool (one per process, read when
JAX starts its CPU client; default one thread per core)."""


def size_xla_pool(threads: int) -> None:
    """Give XLA's pool ``threads`` threads unless the user set :data:`XLA_POOL`; call
    before anything in this process starts JAX.

    These nets' steps are tiny: measured on 2 cores, a lone A2 cell (n = 500) used 63.0 s
    of CPU in 37.5 s on the default pool, the second thread mostly handing the work back
    and forth, and the same record in the same wall time on one thread, CPU equal to wall.
    So each cell running at once gets one thread (the workflow's ``JAX_JOBS``, the CLI's
    one cell per process)."""
    os.environ.setdefault(XLA_POOL, str(threads))
