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

Importing the package sets ``PJRT_NPROC=1`` unless it is set already: the size of
the thread pool (``tf_XLAEigen``) XLA's CPU client computes on, which otherwise
has a thread per core.  These nets' steps are too small to split, and a second
thread only hands the work back and forth: on 2 cores an A2 cell (n = 500) took
37.5 s wall and 63.0 s CPU; with one thread its record is the same and its CPU
equals its wall time (tests/test_gradient_train.py).  The workflow's cells run
beside the searches, so the CPU saved is wall time saved.  XLA reads the variable
when JAX first computes in a process, so it is set here, before any module of this
package imports JAX.
"""

import os

os.environ.setdefault("PJRT_NPROC", "1")
