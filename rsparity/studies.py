"""Studies: named sets of searches described in the workflow config.

A config has ``defaults`` (search settings) and ``studies``; each study has
``seeds`` (a list, or ``{first: F, count: C}``), optional ``set`` (overrides for
all its runs) and optional ``runs`` (a list of override mappings, default one
run with no overrides).  Every run x seed is one :class:`SearchSpec`.
:func:`load_studies` checks all of it and raises :class:`InputError` naming the
offending key, so the workflow stops before any job runs.

Each search's result lives at :func:`result_path`, which encodes every
setting: a cached result is never reused for other settings, and a search
shared by several studies runs once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .spec import SearchSpec

SETTING_KEYS = [f.name for f in dataclasses.fields(SearchSpec) if f.name not in ("arch", "seed")]
STUDY_KEYS = {"title", "seeds", "set", "runs"}
MAX_SEEDS = 100_000


def _fail(where: str, message: str) -> InputError:
    return InputError(f"config {where}: {message}")


def _check_overrides(where: str, value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, f"must be a mapping of search settings, got {value!r}")
    allowed = {"arch", *SETTING_KEYS}
    for key in value:
        if key not in allowed:
            raise _fail(f"{where}.{key}", f"unknown setting; allowed: {', '.join(sorted(allowed))}")
    return value


def _seeds(where: str, value: Any) -> list[int]:
    if isinstance(value, dict):
        if set(value) != {"first", "count"}:
            raise _fail(where, f"must be a list of seeds or {{first: F, count: C}}, got {value!r}")
        first, count = value["first"], value["count"]
        for key, v, lo in (("first", first, 0), ("count", count, 1)):
            if isinstance(v, bool) or not isinstance(v, int) or v < lo:
                raise _fail(f"{where}.{key}", f"must be an integer >= {lo}, got {v!r}")
        if count > MAX_SEEDS:
            raise _fail(f"{where}.count", f"must be <= {MAX_SEEDS}, got {count}")
        return list(range(first, first + count))
    if not isinstance(value, list) or not value:
        raise _fail(where, f"must be a non-empty list of seeds or {{first, count}}, got {value!r}")
    for i, seed in enumerate(value):
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise _fail(f"{where}[{i}]", f"seed must be an integer >= 0, got {seed!r}")
    if len(set(value)) != len(value):
        raise _fail(where, f"seeds must be distinct, got {value!r}")
    return list(value)


def _spec(where: str, settings: dict, seed: int) -> SearchSpec:
    try:
        return SearchSpec(**settings, seed=seed)
    except InputError as err:
        raise _fail(where, str(err)) from None


@dataclass(frozen=True)
class Study:
    """A named set of searches: its title (for tables), one spec per run and seed, and
    where in the config each spec's run is (``studies.<name>.runs[<i>]``, for messages)."""

    name: str
    title: str
    specs: list[SearchSpec]
    where: list[str]


def load_studies(config: dict) -> dict[str, Study]:
    """All studies, in config order; :class:`InputError` on any bad value.

    Reads ``defaults`` and ``studies``; other top-level keys belong to the workflow.
    """
    if not isinstance(config, dict):
        raise InputError(f"config must be a mapping, got {config!r}")
    defaults = _check_overrides("defaults", config.get("defaults"))
    _spec("defaults", defaults, 0)
    studies = config.get("studies")
    if not isinstance(studies, dict) or not studies:
        raise _fail("studies", f"must be a non-empty mapping of study names, got {studies!r}")
    out: dict[str, Study] = {}
    for name, study in studies.items():
        where = f"studies.{name}"
        if not isinstance(name, str) or not name.replace("_", "").isalnum():
            raise _fail(where, "study names must be letters, digits and _")
        if not isinstance(study, dict):
            raise _fail(where, f"must be a mapping with seeds (and set/runs/title), got {study!r}")
        for key in study:
            if key not in STUDY_KEYS:
                raise _fail(
                    f"{where}.{key}", f"unknown key; allowed: {', '.join(sorted(STUDY_KEYS))}"
                )
        if "seeds" not in study:
            raise _fail(f"{where}.seeds", "missing: every study needs seeds")
        seeds = _seeds(f"{where}.seeds", study["seeds"])
        common = _check_overrides(f"{where}.set", study.get("set"))
        runs = study.get("runs", [{}])
        if not isinstance(runs, list) or not runs:
            raise _fail(f"{where}.runs", f"must be a non-empty list of mappings, got {runs!r}")
        specs, wheres = [], []
        for i, run in enumerate(runs):
            here = f"{where}.runs[{i}]"
            settings = {**defaults, **common, **_check_overrides(here, run)}
            specs += [_spec(here, settings, seed) for seed in seeds]
            wheres += [here] * len(seeds)
        title = study.get("title", name)
        if not isinstance(title, str):
            raise _fail(f"{where}.title", f"must be a string, got {title!r}")
        out[name] = Study(name, title, specs, wheres)
    return out


def setting_name(spec: SearchSpec) -> str:
    """Every setting but arch and seed, as ``key=value/key=value/...``.

    One directory level per setting (no commas: Snakemake passes wildcards to
    cluster jobs comma-separated).
    """
    params = spec.as_params()
    return "/".join(f"{k}={params[k]}" for k in SETTING_KEYS if k in params)


def result_path(spec: SearchSpec, root: str = "results/search") -> str:
    """Where the search's JSON record is cached; encodes every setting."""
    return f"{root}/{spec.arch}/{setting_name(spec)}/seed{spec.seed}.json"


def _value(text: str) -> int | float | str:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def spec_from_path_parts(arch: str, setting: str, seed: int | str) -> SearchSpec:
    """Inverse of :func:`result_path` (from the search rule's wildcards)."""
    settings = dict(part.split("=", 1) for part in setting.split("/"))
    return SearchSpec(arch=arch, seed=int(seed), **{k: _value(v) for k, v in settings.items()})
