"""The workflow's config, checked completely before any job (``workflow/rules/common.smk``).

:func:`check_config` runs the schema's structure and types (and fills in its
defaults), the studies (:func:`rsparity.studies.load_studies`: values, as the CLI
checks them), the gradient study and the basin slices' settings, the schema's value
ranges, and the memory every search, the trace, the animation and the basin slices
will need (:mod:`rsparity.limits`); :func:`check_duplicate_keys` re-reads the config
files, because YAML's (and Snakemake's) last-one-wins rule would silently drop
a study written twice.  Every failure is one :class:`InputError` line starting
with ``config``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import limits
from .errors import InputError
from .gradient.study import load_cells, load_vanishing
from .slices import check_grid, slice_estimate
from .spec import SearchSpec
from .studies import Study, load_studies


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key that appears twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` overrides on purpose
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # an unhashable key: the base loader names it
                break
            if first != line:
                raise InputError(
                    f"config file {self.name}, line {line}: duplicate key {key!r} (first on "
                    f"line {first}); YAML would silently keep only the last one"
                )
        return super().construct_mapping(node, deep)


def load_yaml(path: str | os.PathLike) -> Any:
    """The YAML file ``path``; :class:`InputError` on a duplicate key or a syntax error."""
    text = Path(path).read_text()
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"config file {path}{where}: not valid YAML ({problem})") from None
    finally:
        loader.dispose()


def check_duplicate_keys(paths: Iterable[str | os.PathLike]) -> None:
    """Raise :class:`InputError` if a config file repeats a key within one mapping."""
    for path in paths:
        load_yaml(path)


VALUE_KEYWORDS = ("enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
"""The schema's value ranges.  The package checks values first, with the CLI's messages
(:mod:`rsparity.studies`, :mod:`rsparity.gradient.study`); the schema's ranges are checked
after it, so a range the schema documents but the package does not enforce still stops
the run (and a test probes that both draw each line at the same place)."""
_Structure = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {k: lambda *_: None for k in VALUE_KEYWORDS}
)


def _raise_first(validator: jsonschema.protocols.Validator, config: dict) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise InputError(f"config {where.lstrip('.') or '(top level)'}: {error.message}")


def check_schema(config: dict, schema: dict, values: bool = True) -> None:
    """Validate ``config`` against the JSON schema, then fill in the schema's top-level
    defaults.  ``values=False``: structure and types only (the ``gradient`` section,
    which :mod:`rsparity.gradient.study` checks with its own messages, only as a mapping)."""
    if values:
        _raise_first(jsonschema.Draft202012Validator(schema), config)
    else:
        structure = schema | {"properties": schema["properties"] | {"gradient": {"type": "object"}}}
        _raise_first(_Structure(structure), config)
    for key, spec in schema["properties"].items():
        if "default" in spec:
            config.setdefault(key, spec["default"])


def check_memory(config: dict, studies: dict[str, Study], traced: str) -> None:
    """Every distinct search, the trace of study ``traced``'s first search, the
    animation and the basin slices must fit the ``max_memory`` budget
    (:func:`rsparity.limits.budget`)."""
    try:
        budget = limits.budget(config["max_memory"], "max_memory")
    except InputError as err:
        raise InputError(f"config max_memory: {err}") from None
    seen = set()
    for study in studies.values():
        for spec, where in zip(study.specs, study.where, strict=True):
            settings = spec.as_params() | {"seed": 0}
            key = tuple(sorted(settings.items()))
            if key in seen:
                continue
            seen.add(key)
            try:
                limits.check(limits.search_estimate(spec), budget)
            except InputError as err:
                raise InputError(f"config {where}: {err}") from None
    checks = [
        (
            f"studies.{traced} (traced)",
            limits.trace_estimate(studies[traced].specs[0], config["trace_every"]),
        ),
        ("gif_frames", limits.gif_estimate(config["gif_frames"])),
    ]
    grid = config["basin"]["grid"]
    for i, spec in enumerate(basin_specs(config, studies[traced].specs[0])):
        checks.append((f"basin.n[{i}]", slice_estimate(spec, grid)))
    for where, estimate in checks:
        try:
            limits.check(estimate, budget)
        except InputError as err:
            raise InputError(f"config {where}: {err}") from None


def basin_specs(config: dict, headline: SearchSpec) -> list[SearchSpec]:
    """The settings the basin slices are scored with: ``headline``'s with each N of
    config ``basin.n``; :class:`InputError` naming the entry a spec refuses."""
    try:
        check_grid(config["basin"]["grid"])
    except InputError as err:
        raise InputError(f"config basin.grid: {err}") from None
    specs = []
    for i, n in enumerate(config["basin"]["n"]):
        try:
            specs.append(dataclasses.replace(headline, n=n))
        except InputError as err:
            raise InputError(f"config basin.n[{i}]: {err}") from None
    return specs


def check_config(
    config: dict, schema: dict, required: Iterable[str], traced: str, memory: bool = True
) -> dict[str, Study]:
    """The studies of a valid ``config`` (defaults filled in); else one-line :class:`InputError`.

    ``required``: study names the workflow needs (the README's); ``traced``: the
    study whose first search is traced and animated; ``memory``: run
    :func:`check_memory` (the main Snakemake process does; a job's own process,
    e.g. on a cluster node with its job's memory limit, need not check every search).
    """
    check_schema(config, schema, values=False)
    studies = load_studies(config)
    if "gradient" in studies:
        raise InputError(
            "config studies.gradient: the name is taken (results/tables/gradient* are the "
            "gradient study's tables); choose another"
        )
    missing = [name for name in required if name not in studies]
    if missing:
        raise InputError(f"config studies: missing {', '.join(missing)} (README.md shows them)")
    load_cells(config, studies)
    load_vanishing(config)
    basin_specs(config, studies[traced].specs[0])
    check_schema(config, schema)
    if memory:
        check_memory(config, studies, traced)
    return studies


def check_output_dir(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` unless jobs can create files under ``path``.

    Checks ``path`` (or, if missing, its nearest existing parent) and every
    directory below it with ``os.access``, which also sees read-only mounts and
    immutable directories (where even root cannot write).
    """
    target = Path(path)
    probe = target
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        what = "is not a directory" if probe == target else f"is under {str(probe)!r}, a file"
        raise InputError(f"output directory {str(target)!r} {what}")
    dirs = [probe] if probe != target else (Path(d) for d, _, _ in os.walk(target))
    for d in dirs:
        if not os.access(d, os.W_OK | os.X_OK):
            raise InputError(
                f"output directory {str(d)!r} is not writable (jobs write their results there)"
            )
