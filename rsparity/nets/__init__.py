"""The registered nets: the reference's (``full``, ``nodiag``) and the 1996 paper's
(``A1``, ``A2``, ``A2noself``).  See :mod:`rsparity.nets.base` for the interface."""

from . import paper, reference
from .base import (
    ARCHITECTURES,
    Architecture,
    Params,
    allowed_names,
    get_architecture,
    n_trials,
    register,
    select,
)

__all__ = [
    "ARCHITECTURES",
    "Architecture",
    "Params",
    "allowed_names",
    "get_architecture",
    "n_trials",
    "paper",
    "reference",
    "register",
    "select",
]
