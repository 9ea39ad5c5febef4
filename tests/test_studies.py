"""Config -> searches: expansion, result paths, and one-line errors for bad values."""

import pytest

from rsparity.errors import InputError
from rsparity.spec import SearchSpec
from rsparity.studies import load_studies, result_path, spec_from_path_parts

BASE = {
    "defaults": {"n": 20, "sample_size": 64},
    "studies": {
        "a": {"seeds": [0, 1]},
        "b": {"seeds": {"first": 1, "count": 2}, "set": {"hidden": 3}, "runs": [{}, {"n": 30}]},
    },
}


def test_expansion_and_sharing():
    studies = load_studies(BASE)
    assert [s.seed for s in studies["a"].specs] == [0, 1]
    assert studies["a"].title == "a"  # the name when no title is given
    assert [(s.n, s.hidden, s.seed) for s in studies["b"].specs] == [
        (20, 3, 1),
        (20, 3, 2),
        (30, 3, 1),
        (30, 3, 2),
    ]
    shared = load_studies({"studies": {"x": {"seeds": [0]}, "y": {"seeds": [0, 1]}}})
    assert result_path(shared["x"].specs[0]) == result_path(shared["y"].specs[0])


def test_path_encodes_every_setting_and_round_trips():
    spec = SearchSpec(
        arch="nodiag", n=7, hidden=3, weight_scale=2.5, sample_size="all", max_trials=99, seed=4
    )
    path = result_path(spec)
    assert path == (
        "results/search/nodiag/n=7/hidden=3/weight_scale=2.5/sample_size=all/max_trials=99/seed4.json"
    )
    parts = path.split("/")
    arch, setting, seed = parts[2], "/".join(parts[3:-1]), parts[-1][4:-5]
    assert "," not in path
    assert spec_from_path_parts(arch, setting, seed) == spec
    other = SearchSpec(
        arch="nodiag", n=7, hidden=3, weight_scale=2.5, sample_size="all", max_trials=100, seed=4
    )
    assert result_path(other) != path


def with_study(**study):
    return {"defaults": BASE["defaults"], "studies": {"s": study}}


BAD = [
    (
        with_study(seeds=[0], runs=[{"n": -5}]),
        "studies.s.runs[0]: n must be an integer >= 1, got -5",
    ),
    (with_study(seeds=[0], set={"arch": "A9"}), "studies.s.runs[0]: unknown arch 'A9'"),
    (with_study(seeds=[0, "x"]), "studies.s.seeds[1]: seed must be an integer >= 0, got 'x'"),
    (with_study(seeds=[0, 1.5]), "studies.s.seeds[1]: seed must be an integer >= 0, got 1.5"),
    (with_study(seeds=[]), "studies.s.seeds: must be a non-empty list"),
    (with_study(seeds=[0, 0]), "studies.s.seeds: seeds must be distinct"),
    (with_study(runs=[{}]), "studies.s.seeds: missing"),
    (
        with_study(seeds=[0], runs=[{"sample_size": 0}]),
        "sample_size must be an integer >= 1 or 'all', got 0",
    ),
    (with_study(seeds=[0], runs=[{"samples": 3}]), "studies.s.runs[0].samples: unknown setting"),
    (with_study(seeds=[0], colour="red"), "studies.s.colour: unknown key"),
    (
        with_study(seeds={"first": 0, "count": 0}),
        "studies.s.seeds.count: must be an integer >= 1, got 0",
    ),
    (with_study(seeds=[0], runs=[{"weight_scale": 0}]), "weight_scale must be a finite number > 0"),
    (
        with_study(seeds=[0], runs=[{"n": 30, "sample_size": "all"}]),
        "sample_size 'all' needs n <= 22",
    ),
    (
        {"defaults": {"n": 0}, "studies": {"s": {"seeds": [0]}}},
        "config defaults: n must be an integer >= 1",
    ),
    ({"studies": {}}, "config studies: must be a non-empty mapping"),
]


@pytest.mark.parametrize("config,message", BAD)
def test_bad_config_names_key_and_allowed_values(config, message):
    with pytest.raises(InputError) as err:
        load_studies(config)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "spec",
    [
        SearchSpec(n=7, sample_size="all", seed=3),
        SearchSpec(
            arch="A2",
            n=8,
            hidden=4,
            weight_scale=100.0,
            sample_size=6,
            order="sync",
            readout="extra",
            noise=0.1,
        ),
    ],
)
def test_params_round_trip(spec):
    assert SearchSpec.from_params(spec.as_params()) == spec
