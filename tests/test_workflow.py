"""The Snakemake workflow end to end on the tiny .test config.

Each test drives the `snakemake` command on a private copy of the workflow and
the package (Snakemake puts the Snakefile's directory first on sys.path, so the
copy's rsparity is the one imported), so editing "engine" or "plot" code in a
test does not touch the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rsparity.studies import load_studies, result_path

REPO = Path(__file__).resolve().parents[1]
TEST_CONFIG = REPO / ".test" / "config" / "config.yaml"


COPIED = [
    "Snakefile",
    "environment.yml",
    "workflow",
    "rsparity",
    "benchmarks",
    "tests",
    "profiles",
]


def make_env(tmp: Path) -> dict:
    """Environment for snakemake: no wait on an absent SLURM controller.

    snakemake-executor-plugin-slurm runs `scontrol show config` (10 s timeout)
    whenever it is imported - also for local runs - if slurm-client is
    installed; a stub `scontrol` that fails at once avoids that wait here.
    """
    stubs = tmp / "stubs"
    stubs.mkdir(exist_ok=True)
    stub = stubs / "scontrol"
    stub.write_text("#!/bin/sh\nexit 1\n")
    stub.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{stubs}{os.pathsep}{env['PATH']}"
    return env


def setup_workdir(tmp: Path, config: Path = TEST_CONFIG) -> tuple[Path, dict]:
    """A copy of the workflow and package in tmp/work, run with ``config``."""
    work = tmp / "work"
    for name in COPIED:
        src, dst = REPO / name, work / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dst)
    (work / "config").mkdir()
    shutil.copy(config, work / "config" / "config.yaml")
    return work, make_env(tmp)


def snakemake(work: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work, timeout=900)


def pending(work: Path, env: dict) -> dict[str, int]:
    """Jobs a dry run would run, per rule ({} when there is nothing to do)."""
    out = snakemake(work, env, "-n")
    assert out.returncode == 0, out.stderr + out.stdout
    text = out.stdout + out.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:")[1].split("total")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    work, env = setup_workdir(tmp_path_factory.mktemp("tiny"))
    out = snakemake(work, env)
    assert out.returncode == 0, out.stderr[-3000:]
    return work, env


def n_searches(config: dict) -> int:
    return len({result_path(s) for specs in load_studies(config).values() for s in specs})


def test_outputs_and_readme(tiny_run):
    work, _ = tiny_run
    config = yaml.safe_load(TEST_CONFIG.read_text())
    searches = list((work / "results" / "search").rglob("*.json"))
    assert len(searches) == n_searches(config)
    for study in config["studies"]:
        for suffix in ("_runs.csv", "_summary.csv", ".md", "_runs.md"):
            assert (work / "results" / "tables" / f"{study}{suffix}").stat().st_size > 0
    readme = (work / "README.md").read_text()
    assert readme.startswith("<!-- GENERATED FILE")
    assert "workflow/templates/README.md.j2" in readme.splitlines()[1]
    assert 'pip install -e ".[test]" && python -m pytest' in readme


def test_second_run_is_a_no_op(tiny_run):
    assert pending(*tiny_run) == {}


def edit_config(work: Path, change) -> str:
    path = work / "config" / "config.yaml"
    original = path.read_text()
    config = yaml.safe_load(original)
    change(config)
    path.write_text(yaml.safe_dump(config))
    return original


@pytest.mark.parametrize(
    "change,expected",
    [
        # one more seed in one study: one new search, that study's tables, the README
        (
            lambda c: c["studies"]["reliability"]["seeds"].update(count=4),
            {"search": 1, "study_tables": 1, "readme": 1, "all": 1},
        ),
        # one N of the scaling study: one search, its tables, the README
        (
            lambda c: c["studies"]["scaling"]["runs"][2].update(n=30),
            {"search": 1, "study_tables": 1, "readme": 1, "all": 1},
        ),
        # a study title: tables and README only, no search
        (
            lambda c: c["studies"]["hidden"].update(title="H"),
            {"study_tables": 1, "readme": 1, "all": 1},
        ),
        # max_trials of the zero-diagonal study: its two searches
        (
            lambda c: c["studies"]["nodiag"]["set"].update(max_trials=3000),
            {"search": 2, "study_tables": 1, "readme": 1, "all": 1},
        ),
    ],
    ids=["seed", "n", "title", "max_trials"],
)
def test_config_change_reruns_only_what_it_affects(tiny_run, change, expected):
    work, env = tiny_run
    original = edit_config(work, change)
    try:
        assert pending(work, env) == expected
    finally:
        (work / "config" / "config.yaml").write_text(original)
    assert pending(work, env) == {}


@pytest.mark.parametrize(
    "module,expected",
    [
        ("engine", "searches"),
        ("archs", "searches"),
        ("tables", {"study_tables": 7, "readme": 1, "all": 1}),
        ("cli", {}),
    ],
)
def test_code_edit_reruns_only_dependent_jobs(tiny_run, module, expected):
    work, env = tiny_run
    source = work / "rsparity" / f"{module}.py"
    original = source.read_text()
    source.write_text(original + "\n# an edit\n")
    try:
        got = pending(work, env)
    finally:
        source.write_text(original)
    if expected == "searches":
        assert got["search"] == n_searches(yaml.safe_load(TEST_CONFIG.read_text()))
        assert got["engine_benchmark"] == 1
    else:
        assert got == expected


def bad(change):
    def make(config):
        change(config)
        return config

    return make


BAD_CONFIGS = [
    (
        bad(lambda c: c["defaults"].update(n=-5)),
        "config defaults: n must be an integer >= 1, got -5",
    ),
    (
        bad(lambda c: c["studies"]["scaling"]["runs"][0].update(n=-5)),
        "config studies.scaling.runs[0]: n must be an integer >= 1, got -5",
    ),
    (bad(lambda c: c["studies"]["nodiag"]["set"].update(arch="A9")), "unknown arch 'A9'; allowed:"),
    (bad(lambda c: c["studies"]["hidden"].update(seeds=[0, 1.5])), "studies.hidden.seeds"),
    (
        bad(lambda c: c["defaults"].update(sample_size=0)),
        "sample_size must be an integer >= 1 or 'all', got 0",
    ),
    (
        bad(lambda c: c.update(colour="red")),
        "Additional properties are not allowed ('colour' was unexpected)",
    ),
    (bad(lambda c: c["studies"]["headline"].update(seeds=[])), "config studies.headline.seeds"),
    (bad(lambda c: c["studies"]["headline"].pop("seeds")), "'seeds' is a required property"),
    (
        bad(lambda c: c["defaults"].update(weight_scale="big")),
        "config defaults.weight_scale: 'big' is not of type 'number'",
    ),
    (bad(lambda c: c["studies"].pop("headline")), "config studies: missing headline"),
]


@pytest.mark.parametrize("make,message", BAD_CONFIGS)
def test_bad_config_stops_before_any_job(tmp_path, make, message):
    work, env = setup_workdir(tmp_path)
    edit_config(work, make)
    out = snakemake(work, env)
    assert out.returncode != 0
    errors = [line for line in out.stderr.splitlines() if line.startswith("rsparity: config")]
    assert len(errors) == 1 and message in errors[0], out.stderr
    assert "Traceback" not in out.stderr
    assert not (work / "results").exists()


def test_fresh_runs_give_byte_identical_tables(tiny_run, tmp_path):
    work, _ = tiny_run
    again, env = setup_workdir(tmp_path)
    out = snakemake(again, env, "--forcerun", "engine_benchmark")
    assert out.returncode == 0, out.stderr[-3000:]
    tables = sorted(p.relative_to(work) for p in (work / "results" / "tables").iterdir())
    assert tables
    for rel in tables:
        assert (again / rel).read_bytes() == (work / rel).read_bytes(), rel
