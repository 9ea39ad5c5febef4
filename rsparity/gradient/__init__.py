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
