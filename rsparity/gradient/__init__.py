"""Gradient-descent training of the same parity nets, for comparison with the random search.

Importing this subpackage switches JAX to float64 (``jax_enable_x64``): the nets
saturate, and float32 would blur the verdicts the engine computes in float64.
Nothing outside ``rsparity.gradient`` imports JAX, so the search never pays for it.

Modules: :mod:`.spec` (what one cell is), :mod:`.nets` (JAX forward passes),
:mod:`.data` (training sets per regime, cost accounting), :mod:`.optim`
(momentum and Adam), :mod:`.train` (one cell, all restarts at once),
:mod:`.vanishing` (gradient norms w.r.t. the initial state), :mod:`.summary`
(rows per cell, Clopper-Pearson intervals, best learning rate).
"""

import jax

jax.config.update("jax_enable_x64", True)
