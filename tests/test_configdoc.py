"""config/README.md against the schema it is generated from, and the schema against the
package's own checks (allowed names, defaults, numeric bounds)."""

import copy
import dataclasses
from pathlib import Path

import jsonschema
import pytest

from rsparity import config as cfg
from rsparity.configdoc import HEADER, render
from rsparity.data import ORDERS, READOUTS, VARIANTS
from rsparity.errors import InputError
from rsparity.gradient import spec as gspec
from rsparity.gradient.study import DEFAULT_BASELINE, load_cells, load_vanishing
from rsparity.nets import ARCHITECTURES
from rsparity.spec import DEFAULTS, SearchSpec
from rsparity.studies import load_studies

REPO = Path(__file__).resolve().parents[1]
SCHEMA = cfg.load_yaml(REPO / "workflow" / "schemas" / "config.schema.yaml")
SETTINGS = SCHEMA["$defs"]["settings"]["properties"]
GRADIENT = SCHEMA["properties"]["gradient"]["properties"]
CELL = GRADIENT["cells"]["items"]["properties"]
VANISHING = GRADIENT["vanishing"]["properties"]


def test_committed_config_readme_is_the_rendered_schema():
    committed = (REPO / "config" / "README.md").read_text()
    assert committed.startswith(HEADER)
    assert committed == render(SCHEMA), "config/README.md is stale: rerun rule config_docs"


def _key_paths(schema, path=""):
    """Every key path of the schema, walked independently of rsparity.configdoc."""
    if "$ref" in schema:
        return
    for key, sub in schema.get("properties", {}).items():
        yield f"{path}.{key}".lstrip(".")
        yield from _key_paths(sub, f"{path}.{key}".lstrip("."))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _key_paths(extra, f"{path}.NAME")
    if isinstance(schema.get("items"), dict):
        yield from _key_paths(schema["items"], f"{path}[i]")


def test_every_key_has_a_row_with_its_default():
    text = render(SCHEMA)
    paths = list(_key_paths(SCHEMA))
    assert "defaults" in paths and "gradient.cells[i].lr" in paths
    for path in paths:
        assert f"| `{path}` |" in text, path
    for key in SETTINGS:
        assert f"| `defaults.{key}` |" in text
    row = next(line for line in text.splitlines() if line.startswith("| `defaults.arch` |"))
    assert "`full`, `nodiag`, `A1`, `A2`, `A2noself`" in row


def test_a_new_schema_key_appears_in_the_documentation():
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["colour"] = {"description": "a test key", "type": "string"}
    schema["properties"]["gradient"]["properties"]["vanishing"]["properties"]["tint"] = {
        "type": "integer",
        "minimum": 3,
        "default": 4,
    }
    text = render(schema)
    assert "| `colour` | string | - | any | a test key |" in text
    assert "| `gradient.vanishing.tint` | integer | `4` | >= 3 |  |" in text


def test_allowed_names_are_the_packages():
    assert sorted(SETTINGS["arch"]["enum"]) == sorted(ARCHITECTURES)
    assert SETTINGS["order"]["enum"] == list(ORDERS)
    assert SETTINGS["readout"]["enum"] == list(READOUTS)
    assert SETTINGS["variant"]["enum"] == list(VARIANTS)
    for key, names in [
        ("net", gspec.NETS),
        ("method", gspec.METHODS),
        ("regime", gspec.REGIMES),
        ("init", gspec.INITS),
    ]:
        assert CELL[key]["anyOf"][0]["enum"] == list(names), key
    assert VANISHING["net"]["enum"] == list(gspec.NETS)
    assert VANISHING["init"]["anyOf"][0]["enum"] == list(gspec.INITS)


def test_defaults_are_the_packages():
    assert {k: s["default"] for k, s in SETTINGS.items()} == {
        k: v for k, v in DEFAULTS.items() if k != "seed"
    }
    fields = {f.name: f.default for f in dataclasses.fields(gspec.GradientSpec)}
    for key, s in CELL.items():
        if key != "budget_factor":
            assert s["default"] == fields[key], key
    assert GRADIENT["restarts"]["default"] == fields["restarts"]
    baseline = GRADIENT["baseline"]["properties"]
    assert {k: s["default"] for k, s in baseline.items()} == DEFAULT_BASELINE
    documented = {k: s["default"] for k, s in VANISHING.items()}
    assert load_vanishing({"gradient": {"vanishing": {}}}) == documented
    # the section-wide budget factor: a cell without its own gets the documented one
    study = {"seeds": [0], "set": {"n": 4, "sample_size": 8, "max_trials": 10**5}}
    studies = load_studies({"studies": {"gradient_baseline": study}})
    (cell,) = load_cells(
        {"gradient": {"restarts": 1, "cells": [{"n": 4, "sample_size": 8}]}}, studies
    )
    assert cell.budget_factor == GRADIENT["budget_factor"]["default"]


def _schema_accepts(sub: dict, value) -> bool:
    return jsonschema.Draft202012Validator(sub).is_valid(value)


def _accepts(make, **settings) -> bool:
    try:
        make(**settings)
    except InputError:
        return False
    return True


def _probes(bounds: dict) -> list:
    values = []
    for key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        if key in bounds:
            b = bounds[key]
            step = 1 if isinstance(b, int) and not isinstance(b, bool) else abs(b) * 1e-9 or 1e-9
            values += [b - step, b, b + step]
    return values


@pytest.mark.parametrize("key", ["n", "hidden", "weight_scale", "max_trials", "noise"])
def test_search_bounds_match_the_spec(key):
    """At and either side of each documented bound, the schema and SearchSpec agree."""
    arch = "A1" if key == "noise" else "full"
    probes = _probes(SETTINGS[key])
    assert probes
    for value in probes:
        if isinstance(SETTINGS[key].get("type"), str) and SETTINGS[key]["type"] == "integer":
            value = int(value)
        schema_says = _schema_accepts(SETTINGS[key], value)
        settings = {"arch": arch, "n": 5, "sample_size": 4} | {key: value}
        spec_says = _accepts(SearchSpec, **settings)
        assert schema_says == spec_says, (key, value)


@pytest.mark.parametrize("key", ["hidden", "n", "sample_size", "lr"])
def test_gradient_bounds_match_the_gradient_spec(key):
    single = CELL[key]["anyOf"][0]
    for value in _probes(single):
        if single["type"] == "integer":
            value = int(value)
        assert _schema_accepts(CELL[key], value) == _accepts(gspec.GradientSpec, **{key: value}), (
            key,
            value,
        )


def test_restart_bounds_match_the_gradient_spec():
    for value in _probes(GRADIENT["restarts"]):
        assert _schema_accepts(GRADIENT["restarts"], value) == _accepts(
            gspec.GradientSpec, restarts=value
        ), value


def test_a_range_only_the_schema_knows_still_stops_the_run():
    """The schema's ranges run after the package's checks: were the two to disagree, the
    config is refused all the same, with the schema's one line."""
    schema = copy.deepcopy(SCHEMA)
    schema["$defs"]["settings"]["properties"]["n"]["maximum"] = 30
    config = {
        "defaults": {"n": 40, "sample_size": 8, "max_trials": 10},
        "studies": {"headline": {"seeds": [0]}},
    }
    cfg.check_config(copy.deepcopy(config), SCHEMA, [], traced="headline", memory=False)
    with pytest.raises(InputError, match=r"^config defaults\.n: 40 is greater than the maximum"):
        cfg.check_config(config, schema, [], traced="headline", memory=False)


def test_package_messages_come_before_the_schemas():
    """A value both refuse gets the package's message (the CLI's), not the schema's."""
    config = {"defaults": {"n": 0}, "studies": {"headline": {"seeds": [0]}}}
    with pytest.raises(InputError, match="n must be an integer >= 1, got 0"):
        cfg.check_config(config, SCHEMA, [], traced="headline", memory=False)
