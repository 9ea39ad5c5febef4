"""The gradient study of the workflow config: cells, their result paths and their budgets.

``gradient.cells`` is a list of grids: each entry maps the keys of
:data:`CELL_KEYS` to a value or a list of values and stands for every
combination, in key order.  A *cell* is one :class:`GradientSpec` (all its
restarts train in one job, vectorised: JAX's import and one compilation are
paid once per cell, not per restart, and batching does not change a result)
plus the budget factor that sets its compute.

Budget: restart ``r`` of a cell trains on the training set of the random
search with seed ``r`` (:meth:`GradientSpec.search_spec`), and each restart
may spend ``budget_factor`` times the search's cost per solve, in
sequence-steps (one input step of one sequence = 1; a backward step = 2):
the summed ``sequence_steps`` of the baseline searches (:func:`wanted_search`,
seeds ``0 .. restarts-1``, found in a study of the config so that they are
ordinary, shared search jobs) divided by their solves.  The baseline of a
reference-protocol cell is the reference net (``full``, H = 2) on the same
data, whatever the cell's net: the smallest net the search solves, and the one
the README's search numbers are for.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..spec import SearchSpec
from ..studies import Study, result_path
from .spec import GradientSpec

CELL_KEYS = (
    "net",
    "hidden",
    "n",
    "sample_size",
    "method",
    "regime",
    "lr",
    "init",
    "batch",
    "budget_factor",
)
"""What a cell entry may set; the path of a cell's record encodes them in this order."""
SECTION_KEYS = {"restarts", "budget_factor", "baseline", "cells", "vanishing"}
DEFAULT_BASELINE = {"reference": "gradient_baseline", "paper": "paper"}
VANISHING_KEYS = {"net", "hidden", "n", "init", "seeds", "epochs"}
ROOT = "results/gradient"


def _fail(where: str, message: str) -> InputError:
    return InputError(f"config {where}: {message}")


@dataclass(frozen=True)
class Cell:
    """One gradient job: a spec, its budget factor, the searches whose cost sets the
    budget (one per restart, from the baseline study), and where in the config it is."""

    spec: GradientSpec
    budget_factor: float
    baseline: tuple[SearchSpec, ...]
    where: str = "gradient"

    @property
    def settings(self) -> dict[str, Any]:
        params = self.spec.as_params() | {"budget_factor": self.budget_factor}
        return {k: params[k] for k in CELL_KEYS}

    @property
    def path(self) -> str:
        """The cell's record: every setting in the path, so no result is reused for others."""
        settings = self.settings
        parts = "/".join(f"{k}={settings[k]}" for k in CELL_KEYS[1:])
        return f"{ROOT}/{settings['net']}/{parts}/restarts={self.spec.restarts}.json"


BASELINE_MATCH = (
    "arch",
    "hidden",
    "n",
    "weight_scale",
    "sample_size",
    "order",
    "readout",
    "noise",
    "variant",
    "seed",
)
"""The settings a baseline search must share with :func:`wanted_search` (not max_trials)."""


def wanted_search(spec: GradientSpec, seed: int) -> SearchSpec:
    """The random search of restart ``seed``'s data whose cost sets the budget: the cell's
    own net for the paper nets, the reference net ``full`` (H = 2) for the others."""
    search = spec.search_spec(seed)
    if spec.protocol == "reference":
        return SearchSpec.from_params(search.as_params() | {"arch": "full", "hidden": 2})
    return search


def _baseline_index(study: Study) -> dict[tuple, SearchSpec]:
    """A study's searches by the settings of BASELINE_MATCH."""
    index: dict[tuple, SearchSpec] = {}
    for search in study.specs:
        params = search.as_params()
        index.setdefault(tuple(params.get(k) for k in BASELINE_MATCH), search)
    return index


def _find_baseline(
    where: str, spec: GradientSpec, studies: Mapping[str, Study], name: Any, indexes: dict
):
    if not isinstance(name, str) or name not in studies:
        raise _fail("gradient.baseline", f"no study {name!r}; studies: {', '.join(studies)}")
    if name not in indexes:
        indexes[name] = _baseline_index(studies[name])
    index = indexes[name]
    found = []
    for seed in range(spec.restarts):
        params = wanted_search(spec, seed).as_params()
        key = tuple(params.get(k) for k in BASELINE_MATCH)
        if key not in index:
            wanted = " ".join(
                f"{k}={v}" for k, v in zip(BASELINE_MATCH, key, strict=True) if v is not None
            )
            raise _fail(
                where,
                f"study {name!r} has no search with {wanted}: the budget is measured on it "
                "(add it to that study, or change gradient.baseline)",
            )
        found.append(index[key])
    return tuple(found)


def _choices(where: str, key: str, value: Any) -> list:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise _fail(f"{where}.{key}", "an empty list gives no cells")
    return values


def _factor(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 10:
        raise _fail(
            where, f"{value!r} is not allowed; the budget must be at least 10x the search's cost"
        )
    return float(value)


def _mapping(where: str, value: Any, allowed: Iterable[str]) -> dict:
    allowed = set(allowed)
    if not isinstance(value, Mapping):
        raise _fail(where, f"must be a mapping, got {value!r}")
    for key in value:
        if key not in allowed:
            raise _fail(f"{where}.{key}", f"unknown key; allowed: {', '.join(sorted(allowed))}")
    return dict(value)


def load_cells(config: Mapping[str, Any], studies: Mapping[str, Study]) -> list[Cell]:
    """Every cell of ``config["gradient"]`` (none without that section), in config order,
    each distinct setting once; :class:`InputError` naming the key on any bad value.

    ``gradient.baseline`` names, per protocol, the study that holds each cell's baseline
    searches (default: ``gradient_baseline`` for the reference protocol, ``paper``)."""
    section = config.get("gradient")
    if section is None:
        return []
    section = _mapping("gradient", section, SECTION_KEYS)
    baseline = DEFAULT_BASELINE | _mapping(
        "gradient.baseline", section.get("baseline", {}), DEFAULT_BASELINE
    )
    restarts = section.get("restarts", 16)
    default_factor = _factor("gradient.budget_factor", section.get("budget_factor", 10))
    if isinstance(restarts, bool) or not isinstance(restarts, int):
        raise _fail("gradient.restarts", f"must be an integer, got {restarts!r}")
    entries = section.get("cells", [])
    if not isinstance(entries, list):
        raise _fail("gradient.cells", f"must be a list of mappings, got {entries!r}")
    cells: dict[str, Cell] = {}
    indexes: dict[str, dict] = {}
    for i, entry in enumerate(entries):
        where = f"gradient.cells[{i}]"
        entry = _mapping(where, entry, CELL_KEYS)
        grid = {k: _choices(where, k, v) for k, v in entry.items()}
        for values in itertools.product(*grid.values()):
            settings = dict(zip(grid, values, strict=True))
            if isinstance(settings.get("lr"), int) and not isinstance(settings["lr"], bool):
                settings["lr"] = float(settings["lr"])
            factor = _factor(
                f"{where}.budget_factor", settings.pop("budget_factor", default_factor)
            )
            try:
                spec = GradientSpec(**settings, restarts=restarts)
            except InputError as err:
                raise _fail(where, str(err)) from None
            except TypeError as err:  # a missing or repeated keyword
                raise _fail(where, str(err)) from None
            searches = _find_baseline(where, spec, studies, baseline[spec.protocol], indexes)
            cell = Cell(spec, factor, searches, where)
            cells.setdefault(cell.path, cell)
    return list(cells.values())


def load_vanishing(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """``gradient.vanishing``: the nets, lengths and inits of the gradient-norm profile."""
    section = config.get("gradient") or {}
    if "vanishing" not in section:
        return None
    where = "gradient.vanishing"
    entry = _mapping(where, section["vanishing"], VANISHING_KEYS)
    out = {
        "net": entry.get("net", "full"),
        "hidden": entry.get("hidden", 2),
        "n": _choices(where, "n", entry.get("n", [2, 5, 10, 20, 50])),
        "init": _choices(where, "init", entry.get("init", ["small", "glorot", "search"])),
        "seeds": entry.get("seeds", 4),
        "epochs": entry.get("epochs", 100),
    }
    for key in ("seeds", "epochs"):
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(f"{where}.{key}", f"must be an integer >= 0, got {value!r}")
    for n in out["n"]:
        for init in out["init"]:
            try:
                GradientSpec(net=out["net"], hidden=out["hidden"], n=n, init=init)
            except InputError as err:
                raise _fail(where, str(err)) from None
    return out


def search_cost(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The searches' summed sequence-steps, solves, and cost per solve (None if none solved)."""
    records = list(records)
    steps = sum(int(r["sequence_steps"]) for r in records)
    solves = sum(bool(r["solved"]) for r in records)
    trials = sum(int(r["trials"]) for r in records)
    return {
        "searches": len(records),
        "solves": solves,
        "trials": trials,
        "sequence_steps": steps,
        "steps_per_solve": steps / solves if solves else None,
        "seconds": sum(r["timing"]["wallclock_s"] for r in records),
    }


def budget(factor: float, cost: Mapping[str, Any]) -> int:
    """Sequence-steps per restart: ``factor`` times the search's cost per solve."""
    if cost["steps_per_solve"] is None:
        raise InputError(
            f"the baseline searches ({cost['searches']}) solved none: no cost per solve to "
            "scale the gradient budget by; raise their max_trials"
        )
    return math.ceil(factor * cost["steps_per_solve"])


def result_paths(cell: Cell) -> list[str]:
    """The baseline searches' record paths (the cell job's inputs)."""
    return [result_path(spec) for spec in cell.baseline]
