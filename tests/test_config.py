"""The workflow's config check (rsparity.config), without Snakemake: strict YAML, the
schema, the studies, each search's memory, and the output directories."""

import copy

import pytest
import yaml
from readonly import read_only
from workflow_helpers import REPO, TEST_CONFIG

from rsparity import config as cfg
from rsparity import limits
from rsparity.errors import InputError

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
README_STUDIES = ["headline", "reliability", "scaling", "n500", "hidden", "weight_scale"]
TINY = yaml.safe_load(TEST_CONFIG.read_text())


def check(config):
    return cfg.check_config(copy.deepcopy(config), SCHEMA, README_STUDIES, traced="headline")


def test_the_configs_pass():
    assert list(check(TINY)) == list(TINY["studies"])
    full = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert len(check(full)["paper"].specs) == 1600


def test_defaults_are_filled_in():
    config = copy.deepcopy(TINY)
    del config["basin"]
    cfg.check_config(config, SCHEMA, [], traced="headline")
    assert config["max_memory"] is None and config["gif_frames"] == 60
    assert config["basin"] == {"n": [50, 500], "grid": 61}


@pytest.mark.parametrize(
    "change,message",
    [
        # issue 14: these passed the check and failed in the job
        (
            lambda c: c["defaults"].update(n=1_000_000_000),
            "config studies.headline.runs[0]: search arch=full n=1000000000 ",
        ),
        (
            lambda c: c["defaults"].update(sample_size=1_000_000_000),
            "config studies.headline.runs[0]: search arch=full n=20 hidden=2 "
            "sample_size=1000000000 ",
        ),
        # only one run of one study is too big: that run is named
        (
            lambda c: c["studies"]["scaling"]["runs"][2].update(n=10**8),
            "config studies.scaling.runs[2]: search arch=full n=100000000 ",
        ),
        (
            lambda c: c.update(gif_frames=1000, max_memory="1G"),
            "config gif_frames: search animation gif_frames=1000 needs about",
        ),
        (
            lambda c: c.update(max_memory="1M"),
            "config studies.headline.runs[0]: search arch=full n=20 hidden=2 sample_size=256 "
            "max_trials=20000 needs about",
        ),
        (
            lambda c: c.update(max_memory="lots"),
            "config max_memory: max_memory must be a size such as 500M or 2G "
            "(K, M, G, T: powers of 1024), got 'lots'",
        ),
        (lambda c: c["studies"].pop("scaling"), "config studies: missing scaling"),
        (
            lambda c: c["studies"].update(gradient=c["studies"]["headline"]),
            "config studies.gradient: the name is taken (results/tables/gradient*",
        ),
        (
            lambda c: c["gradient"]["cells"][0].update(lr=0),
            "config gradient.cells[0]: gradient lr: 0.0 is not allowed",
        ),
        # the basin figure's slices
        (
            lambda c: c["basin"].update(grid=2),
            "config basin.grid: grid must be an integer from 3 to 401, got 2",
        ),
        (
            lambda c: c["basin"].update(grid=402),
            "config basin.grid: grid must be an integer from 3 to 401, got 402",
        ),
        (lambda c: c["basin"].update(grid=5.5), "config basin.grid: 5.5 is not of type 'integer'"),
        (
            lambda c: c["basin"].update(n=[0]),
            "config basin.n[0]: n must be an integer >= 1, got 0",
        ),
        (lambda c: c["basin"].update(n=[]), "config basin.n: [] should be non-empty"),
        (
            lambda c: c["basin"].update(n=[20, 20]),
            "config basin.n: [20, 20] has non-unique elements",
        ),
        (lambda c: c["basin"].pop("grid"), "config basin: 'grid' is a required property"),
        (
            lambda c: c["basin"].update(size=3),
            "config basin: Additional properties are not allowed ('size' was unexpected)",
        ),
        (
            lambda c: c["basin"].update(n=[20, 1_000_000_000]),
            "config basin.n[1]: basin slice arch=full n=1000000000 hidden=2 sample_size=256 "
            "max_trials=20000 grid=5 needs about",
        ),
        (
            lambda c: (
                c["studies"]["headline"].update(set={"n": 6, "sample_size": "all"}),
                c["basin"].update(n=[6, 30]),
            ),
            "config basin.n[1]: sample_size 'all' needs n <= 22 (2^n sequences), got n=30",
        ),
    ],
)
def test_refused_in_one_line(change, message):
    config = copy.deepcopy(TINY)
    change(config)
    with pytest.raises(InputError) as err:
        check(config)
    text = str(err.value)
    assert message in text and "\n" not in text and text.startswith("config ")


def test_memory_messages_name_estimate_and_limit():
    config = copy.deepcopy(TINY)
    config["defaults"]["n"] = 1_000_000_000
    with pytest.raises(InputError) as err:
        check(config)
    budget = limits.budget(None, "max_memory")
    assert f"over the limit of {limits.size_text(budget.bytes)} ({budget.source})" in str(err.value)
    assert "max_memory to change" in budget.source


def test_the_trace_is_checked(monkeypatch):
    """The traced search fits as a search but not as a trace: the trace is named."""
    trace = limits.Estimate("trace x", {"trace": 1 << 50})
    monkeypatch.setattr(cfg.limits, "trace_estimate", lambda spec, every: trace)
    with pytest.raises(InputError, match=r"^config studies.headline \(traced\): trace x needs"):
        check(TINY)


DUPLICATED = """\
defaults:
  n: 20
studies:
  headline:
    seeds: [0]
  reliability:
    seeds: [1]
  headline:
    seeds: [2]
"""


def test_duplicate_keys_are_named_with_their_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(DUPLICATED)
    assert list(yaml.safe_load(DUPLICATED)["studies"]) == ["headline", "reliability"]  # silently
    with pytest.raises(InputError) as err:
        cfg.check_duplicate_keys([path])
    assert str(err.value) == (
        f"config file {path}, line 8: duplicate key 'headline' (first on line 4); "
        "YAML would silently keep only the last one"
    )


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b: 1\n  c: {b: 2}\n",  # the same key in different mappings
        "base: &b {n: 1}\nstudy:\n  <<: *b\n  n: 2\n",  # a merge key overrides on purpose
        "a: [1, 1]\n",
    ],
)
def test_no_false_duplicates(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert cfg.load_yaml(path) == yaml.safe_load(text)


def test_invalid_yaml_is_one_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("studies:\n  a: [1, 2\n")
    with pytest.raises(InputError, match=r"^config file .*c.yaml, line 3: not valid YAML \("):
        cfg.load_yaml(path)


def test_output_dir_may_be_missing(tmp_path):
    cfg.check_output_dir(tmp_path / "results")
    assert not (tmp_path / "results").exists()  # the check creates nothing


@pytest.mark.parametrize("target", ["results", "results/search"])
def test_output_dir_under_a_file(tmp_path, target):
    (tmp_path / "results").write_text("not a directory")
    with pytest.raises(InputError, match="output directory .*results"):
        cfg.check_output_dir(tmp_path / target)


@pytest.mark.parametrize("below", [None, "search/full"])
def test_output_dir_read_only(tmp_path, below):
    """Jobs write anywhere under results/: a read-only directory deep inside counts too."""
    results = tmp_path / "results"
    results.mkdir()
    locked = results / below if below else results
    with read_only(locked):
        with pytest.raises(InputError) as err:
            cfg.check_output_dir(results)
    assert str(err.value) == (
        f"output directory {str(locked)!r} is not writable (jobs write their results there)"
    )


def test_a_jobs_own_process_skips_the_memory_check():
    """On a cluster node the job's process would hold every search to its job's limit."""
    config = copy.deepcopy(TINY)
    config["defaults"]["n"] = 1_000_000_000
    studies = cfg.check_config(config, SCHEMA, README_STUDIES, traced="headline", memory=False)
    assert studies["headline"].specs[0].n == 1_000_000_000
