"""The gradient-norm profile job (a ``run:`` rule): the vanishing gradient, measured."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..atomic import write_json
from ..cost import job_timing


def vanishing_job(
    settings: Mapping[str, Any], output: str, log: str, run: Mapping[str, Any]
) -> None:
    """The gradient-norm profile (:func:`rsparity.gradient.vanishing.gradient_norms`)."""
    from .vanishing import gradient_norms

    started = time.time()
    rows = []
    for init in settings["init"]:
        for n in settings["n"]:
            rows += gradient_norms(
                settings["net"],
                settings["hidden"],
                n,
                init,
                range(settings["seeds"]),
                epochs=settings["epochs"],
            )
    write_json(
        {"settings": dict(settings), "rows": rows, "timing": {"job": job_timing(started, run)}},
        output,
    )
    with open(log, "w") as fh:
        print(f"{len(rows)} gradient norms in {time.time() - started:.1f} s", file=fh)
