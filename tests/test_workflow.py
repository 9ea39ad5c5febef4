"""The Snakemake workflow end to end on the tiny .test config.

Each test drives the `snakemake` command on a private copy of the workflow and
the package (Snakemake puts the Snakefile's directory first on sys.path, so the
copy's rsparity is the one imported), so editing "engine" or "plot" code in a
test does not touch the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import imageio.v3 as iio
import pandas as pd
import pytest
import yaml
from readonly import read_only
from workflow_helpers import REPO, TEST_CONFIG, pending, setup_workdir, snakemake

from rsparity.gradient.study import load_cells, result_paths
from rsparity.gradient.tables import CELL_COLUMNS
from rsparity.studies import load_studies, result_path

pytestmark = pytest.mark.workflow


TABLE_SUFFIXES = ("_runs.csv", "_summary.csv", ".md", "_runs.md")
"""The tables each study writes: results/tables/<study><suffix>."""


def n_searches(config: dict) -> int:
    return len({result_path(s) for study in load_studies(config).values() for s in study.specs})


def n_cells(config: dict) -> int:
    return len(load_cells(config, load_studies(config)))


def test_outputs_and_readme(tiny_run):
    work, _ = tiny_run
    config = yaml.safe_load(TEST_CONFIG.read_text())
    searches = list((work / "results" / "search").rglob("*.json"))
    assert len(searches) == n_searches(config)
    for study in config["studies"]:
        for suffix in TABLE_SUFFIXES:
            assert (work / "results" / "tables" / f"{study}{suffix}").stat().st_size > 0
    readme = (work / "README.md").read_text()
    assert readme.startswith("<!-- GENERATED FILE")
    assert "workflow/templates/README.md.j2" in readme.splitlines()[1]
    assert 'pip install -e ".[test]" && python -m pytest' in readme


def test_gradient_cells_fill_the_compilation_cache(tiny_run):
    """workflow/rules/common.smk points JAX's persistent compilation cache into .snakemake."""
    work, _ = tiny_run
    assert any((work / ".snakemake" / "jax-cache").iterdir())


def test_run_cost_sums_every_search_once_per_study(tiny_run):
    work, _ = tiny_run
    config = yaml.safe_load(TEST_CONFIG.read_text())
    cost = json.loads((work / "results" / "benchmark" / "run_cost.json").read_text())
    jobs = n_searches(config) + n_cells(config)
    assert cost["total"]["jobs"] == cost["total"]["this_run"] == jobs
    assert cost["total"]["untimed"] == 0 and cost["run"]["made_every_record"]
    studies = load_studies(config)
    assert {k: v["jobs"] for k, v in cost["groups"].items()} == {
        **{k: len(study.specs) for k, study in studies.items()},
        "gradient": n_cells(config),
    }
    # gradient cells are timed by the wall clock (JAX computes on threads of its own)
    assert cost["groups"]["gradient"]["wall_clocked"] == n_cells(config)
    # shared searches count in every study that uses them, once in the total
    assert 0 < cost["total"]["cpu_s"] <= sum(v["cpu_s"] for v in cost["groups"].values())
    assert 0 < cost["run"]["wall_s"] < 900
    # the run's own CPU (every thread and child) covers the searches' thread CPU
    searches = cost["total"]["cpu_s"] - cost["groups"]["gradient"]["cpu_s"]
    assert searches < cost["run"]["cpu_s"]


FIGURES = {
    "search_curve.png": (1200, 630),
    "score_histogram.png": (1200, 600),
    "trials_vs_n.png": (1200, 660),
    "trials_ecdf.png": (1200, 630),
    "ablation.png": (1200, 570),
    "paper_comparison.png": (1200, 810),
    "gradient_success.png": (1200, 870),
    "vanishing_gradient.png": (1200, 630),
    "basin.png": (1200, 1140),
    "hinton.png": None,
    "hidden_trajectories.png": None,
}


def test_figures_and_gif(tiny_run):
    work, _ = tiny_run
    figures = work / "results" / "figures"
    for name, size in FIGURES.items():
        image = iio.imread(figures / name)
        assert image.ndim == 3 and image.shape[1] == 1200, name
        if size:
            assert image.shape[:2] == (size[1], size[0]), name
        assert f"(results/figures/{name})" in (work / "README.md").read_text()
    gif = figures / "search.gif"
    assert gif.stat().st_size < 5 * 2**20
    assert iio.imread(gif, index=None).shape[0] == 60
    assert iio.immeta(gif, index=0).get("loop") == 0


def test_second_run_is_a_no_op(tiny_run):
    assert pending(*tiny_run) == {}


def edit_config(work: Path, change) -> str:
    path = work / "config" / "config.yaml"
    original = path.read_text()
    config = yaml.safe_load(original)
    change(config)
    path.write_text(yaml.safe_dump(config))
    return original


TABLES_RERUN = {
    "study_tables": 1,
    "study_figures": 1,
    "report_captions": 1,
    "run_cost": 1,
    "readme": 1,
    "all": 1,
}
"""Jobs one study's changed tables rerun (the cost summary waits for every table; the
report's captions are written from the summaries)."""


AFTER_FIGURES = {"run_cost": 1, "readme": 1, "all": 1}
"""Jobs a changed figure reruns."""
GRADIENT_RERUN = {
    "gradient_tables": 1,
    "gradient_figures": 1,
    "report_captions": 1,
    **AFTER_FIGURES,
}
"""Jobs changed gradient cells rerun."""


def searches_rerun(count: int) -> dict[str, int]:
    """Jobs ``count`` changed searches of one study rerun (and the cost that sums them)."""
    return {"search": count, **TABLES_RERUN}


@pytest.mark.parametrize(
    "change,expected",
    [
        # one more seed in one study: one new search, that study's tables, the README
        (
            lambda c: c["studies"]["reliability"]["seeds"].update(count=4),
            searches_rerun(1),
        ),
        # one N of the scaling study: one search, its tables, the basin figure (its p
        # panel), the README
        (
            lambda c: c["studies"]["scaling"]["runs"][2].update(n=30),
            {**searches_rerun(1), "basin_figure": 1},
        ),
        # the basin slices' grid: the three slices, their figure, the README
        (
            lambda c: c["basin"].update(grid=7),
            {"basin_slice": 3, "basin_figure": 1, **AFTER_FIGURES},
        ),
        # a study title: its tables and what reads them, no search
        (
            lambda c: c["studies"]["hidden"].update(title="H"),
            TABLES_RERUN,
        ),
        # max_trials of the zero-diagonal study: its two searches
        (
            lambda c: c["studies"]["nodiag"]["set"].update(max_trials=3000),
            searches_rerun(2),
        ),
        # the learning rate of one gradient cell entry (LSTM): that cell only
        (
            lambda c: c["gradient"]["cells"][1].update(lr=0.05),
            {"gradient_cell": 1, **GRADIENT_RERUN},
        ),
        # the gradient-norm profile's epochs: that job, its figure, the README
        (
            lambda c: c["gradient"]["vanishing"].update(epochs=6),
            {"gradient_profile": 1, "gradient_figures": 1, **AFTER_FIGURES},
        ),
    ],
    ids=["seed", "n", "basin-grid", "title", "max_trials", "gradient-lr", "vanishing"],
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
        ("engine.py", "searches"),
        ("nets/base.py", "searches"),
        ("tables.py", {**TABLES_RERUN, "study_tables": 10, "basin_figure": 1, **GRADIENT_RERUN}),
        (
            "plots.py",
            {
                "headline_figures": 1,
                "study_figures": 1,
                "search_gif": 1,
                "gradient_figures": 1,
                "basin_figure": 1,
                **AFTER_FIGURES,
            },
        ),
        # the slices' jobs, and what reads slices (README, captions)
        (
            "slices.py",
            {
                "basin_slice": 3,
                "basin_figure": 1,
                "report_captions": 1,
                **AFTER_FIGURES,
            },
        ),
        ("gradient/train.py", "cells"),
        ("gradient/vanishing.py", {"gradient_profile": 1, "gradient_figures": 1, **AFTER_FIGURES}),
        ("gradient/claims.py", {"readme": 1, "all": 1}),
        ("animation.py", {"search_gif": 1, **AFTER_FIGURES}),
        ("report.py", {"readme": 1, "report_captions": 1, "all": 1}),
        ("captions.py", {"report_captions": 1, "all": 1}),
        ("cli/__init__.py", {}),
    ],
)
def test_code_edit_reruns_only_dependent_jobs(tiny_run, module, expected):
    """Each rule's code digest follows its script's imports (rsparity.codegraph)."""
    work, env = tiny_run
    source = work / "rsparity" / module
    original = source.read_text()
    source.write_text(original + "\n# an edit\n")
    try:
        got = pending(work, env)
    finally:
        source.write_text(original)
    config = yaml.safe_load(TEST_CONFIG.read_text())
    if expected == "searches":
        assert got["search"] == n_searches(config)
        assert got["engine_benchmark"] == got["trace"] == got["headline_figures"] == 1
    elif expected == "cells":
        assert got == {"gradient_cell": n_cells(config), **GRADIENT_RERUN}
    else:
        assert got == expected


def test_new_module_imported_by_nothing_reruns_nothing(tiny_run):
    work, env = tiny_run
    new = work / "rsparity" / "unused_helper.py"
    new.write_text('"""Imported by no rule\'s script."""\n\nVALUE = 1\n')
    try:
        assert pending(work, env) == {}
    finally:
        new.unlink()


def test_a_target_runs_only_what_it_needs(tmp_path):
    """A run of one file plans that file's jobs: no profile setting adds targets (the
    default profile's former ``prioritize: [gradient_tables]`` built every gradient cell
    for any target; on SLURM, a one-search test then ran the whole branch)."""
    work, env = setup_workdir(tmp_path)
    config = yaml.safe_load(TEST_CONFIG.read_text())
    study = load_studies(config)["nodiag"]
    assert pending(work, env, result_path(study.specs[0])) == {"search": 1}
    n = len({result_path(spec) for spec in study.specs})
    assert pending(work, env, "results/tables/nodiag_summary.csv") == {
        "search": n,
        "study_tables": 1,
    }


def dry_run_priorities(work: Path, env: dict) -> dict[str, int]:
    """Each planned job's output (its first) and priority, from a dry run's job list."""
    out = snakemake(work, env, "-n")
    assert out.returncode == 0, out.stderr
    jobs = {}
    for block in (out.stdout + out.stderr).split("\nrule ")[1:]:
        output = re.search(r"^\s+output: (\S+?),?$", block, re.M)
        priority = re.search(r"^\s+priority: (\d+)$", block, re.M)
        if output:
            jobs[output[1]] = int(priority[1]) if priority else 0
    return jobs


def test_gradient_cells_and_their_searches_start_first(tmp_path):
    """The gradient cells (the longest jobs), the norm profile and exactly the searches
    the cells read have a higher priority than every other job."""
    work, env = setup_workdir(tmp_path)
    config = yaml.safe_load(TEST_CONFIG.read_text())
    cells = load_cells(config, load_studies(config))
    first = {cell.path for cell in cells} | {"results/gradient/vanishing.json"}
    first |= {path for cell in cells for path in result_paths(cell)}
    jobs = dry_run_priorities(work, env)
    assert first <= set(jobs) and len(jobs) > len(first)
    assert {path for path, priority in jobs.items() if priority > 0} == first


JAX_RULES = {"gradient_cell", "gradient_profile"}


def job_events(log: str) -> list[tuple[str, str]]:
    """("start" | "end", rule) of each job, in the order a Snakemake log reports them."""
    rules, events, rule = {}, [], None
    for line in log.splitlines():
        if m := re.match(r"(?:local)?rule (\w+):$", line):
            rule = m[1]
        elif rule and (m := re.match(r"\s+jobid: (\d+)$", line)):
            rules[m[1]], rule = rule, None
            events.append(("start", rules[m[1]]))
        elif m := re.match(r"Finished jobid: (\d+)", line):
            events.append(("end", rules[m[1]]))
    return events


def test_jax_jobs_leave_a_core_to_the_searches(tiny_run):
    """On 2 cores at most one JAX job (gradient cell or profile) runs at a time: the
    searches, which share Snakemake's process, keep the other core (common.smk)."""
    work, _ = tiny_run
    first = sorted((work / ".snakemake" / "log").glob("*.snakemake.log"))[0]
    running = most = started = 0
    for kind, rule in job_events(first.read_text()):
        if rule in JAX_RULES:
            started += kind == "start"
            running += 1 if kind == "start" else -1
            most = max(most, running)
    assert started == n_cells(yaml.safe_load(TEST_CONFIG.read_text())) + 1
    assert most == 1
    # and XLA's pool has one thread per JAX job allowed at once
    logs = list((work / "logs" / "gradient").glob("*/**/*.log"))
    assert len(logs) == started - 1
    assert all(log.read_text().rstrip().endswith("PJRT_NPROC=1") for log in logs)


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
    # issue 14: these passed the check and the dry run, then failed in the job
    (
        bad(lambda c: c["defaults"].update(n=1_000_000_000)),
        "config studies.headline.runs[0]: search arch=full n=1000000000 hidden=2 "
        "sample_size=256 max_trials=20000 needs about",
    ),
    (
        bad(lambda c: c["defaults"].update(sample_size=1_000_000_000)),
        "config studies.headline.runs[0]: search arch=full n=20 hidden=2 "
        "sample_size=1000000000 max_trials=20000 needs about",
    ),
    (bad(lambda c: c.update(max_memory="1M")), "of memory, over the limit of 1.0 MiB"),
]


def stopped_before_any_job(work: Path, out, message: str, prefix: str = "rsparity: config"):
    """The run failed with one ``prefix`` line containing ``message``, no traceback, no job."""
    assert out.returncode != 0
    errors = [line for line in out.stderr.splitlines() if line.startswith("rsparity:")]
    assert len(errors) == 1 and errors[0].startswith(prefix), out.stderr
    assert message in errors[0], out.stderr
    assert "Traceback" not in out.stderr
    assert not list(work.glob("logs/**/*.log")) and "Select jobs to execute" not in out.stderr


@pytest.mark.parametrize("make,message", BAD_CONFIGS)
def test_bad_config_stops_before_any_job(tmp_path, make, message):
    work, env = setup_workdir(tmp_path)
    edit_config(work, make)
    stopped_before_any_job(work, snakemake(work, env), message)
    assert not (work / "results").exists()


def test_bad_config_stops_the_dry_run_too(tmp_path):
    work, env = setup_workdir(tmp_path)
    edit_config(work, bad(lambda c: c["defaults"].update(n=1_000_000_000)))
    stopped_before_any_job(work, snakemake(work, env, "-n"), "needs about")


def test_a_study_written_twice_stops_before_any_job(tmp_path):
    work, env = setup_workdir(tmp_path)
    path = work / "config" / "config.yaml"
    lines = path.read_text().splitlines(keepends=True)
    first = lines.index("  headline:\n") + 1
    studies = lines.index("studies:\n")
    path.write_text(
        "".join([*lines[: studies + 1], "  headline:\n", "    seeds: [7]\n"] + lines[studies + 1 :])
    )
    out = snakemake(work, env)
    # the original headline moved down by two lines; the later one is the duplicate
    stopped_before_any_job(
        work, out, f"line {first + 2}: duplicate key 'headline' (first on line {studies + 2})"
    )
    assert not (work / "results").exists()


def test_results_not_writable_stops_before_any_job(tmp_path):
    """As root only a path that cannot be created, a read-only mount or an immutable
    directory stops a write (tests/readonly.py); here results/ is a file, then immutable."""
    work, env = setup_workdir(tmp_path)
    (work / "results").write_text("not a directory\n")
    out = snakemake(work, env)
    stopped_before_any_job(work, out, "output directory 'results' is not a directory", "rsparity:")
    (work / "results").unlink()
    with read_only(work / "results"):
        out = snakemake(work, env)
        assert list((work / "results").iterdir()) == []
    message = "output directory 'results' is not writable (jobs write their results there)"
    stopped_before_any_job(work, out, message, "rsparity:")


def test_fresh_runs_give_byte_identical_tables_and_figures(tiny_run, tmp_path):
    work, _ = tiny_run
    again, env = setup_workdir(tmp_path)
    out = snakemake(again, env, "--forcerun", "engine_benchmark")
    assert out.returncode == 0, out.stderr[-3000:]
    outputs = [work / "results" / d for d in ("tables", "figures")]
    files = sorted(p.relative_to(work) for d in outputs for p in d.iterdir())
    assert len(files) > 30
    for rel in files:
        assert (again / rel).read_bytes() == (work / rel).read_bytes(), rel


SAMPLED_STUDIES, SAMPLED_SEEDS = ("paper", "a1_variants"), 3
"""The paper studies (1,600 and 900 searches) are checked on their first seeds only; CI time."""
GRADIENT_MAX_N = 5
"""The gradient study is checked on its cells up to this N only; CI time."""
GRADIENT_TABLES = ("gradient_runs.csv", "gradient_summary.csv", "gradient.md")


def sampled_gradient(config: dict) -> None:
    """Keep the gradient cells with n <= GRADIENT_MAX_N (entries left with none dropped)."""
    cells = []
    for entry in config["gradient"]["cells"]:
        ns = entry["n"] if isinstance(entry["n"], list) else [entry["n"]]
        kept = [n for n in ns if n <= GRADIENT_MAX_N]
        if kept:
            cells.append({**entry, "n": kept})
    config["gradient"]["cells"] = cells


def intervals_overlap(got: pd.DataFrame, want: pd.DataFrame) -> list[str]:
    """Cells (every learning rate) whose success intervals do not overlap."""
    keys = [*CELL_COLUMNS, "lr"]
    # a column such as batch reads as integers in one table and as text in the other
    got, want = (t.astype({k: str for k in keys}) for t in (got, want))
    both = got.merge(want, on=keys, suffixes=("", "_want"), validate="one_to_one")
    assert len(both) == len(got) > 0
    apart = (both["p_low"] > both["p_high_want"]) | (both["p_low_want"] > both["p_high"])
    return [str(dict(row)) for row in both.loc[apart, keys].to_dict("records")]


def test_committed_results_reproduce(tmp_path):
    """The full config from scratch gives the committed tables (every number), byte
    for byte - except the SAMPLED_STUDIES, whose first SAMPLED_SEEDS seeds of every
    setting must give exactly the committed rows of their runs tables, and the gradient
    tables, whose cells up to N = GRADIENT_MAX_N must give success counts whose 95 %
    intervals overlap the committed ones (float summation order may differ between
    machines and XLA builds, README "Reproducibility").

    Figures are compared between two fresh runs above, not with the committed
    ones: their bytes depend on the matplotlib version pip installs.
    """
    tables = REPO / "results" / "tables"
    expected = sorted(p.relative_to(REPO) for p in tables.iterdir())
    if not expected:
        pytest.fail("no committed results/tables")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for study in SAMPLED_STUDIES:
        config["studies"][study]["seeds"] = {"first": 0, "count": SAMPLED_SEEDS}
    sampled_gradient(config)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    work, env = setup_workdir(tmp_path, tmp_path / "config.yaml")
    out = snakemake(work, env, *(str(p) for p in expected), timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    sampled = [
        Path(f"results/tables/{study}{suffix}")
        for study in SAMPLED_STUDIES
        for suffix in TABLE_SUFFIXES
    ]
    gradient = [Path(f"results/tables/{name}") for name in GRADIENT_TABLES]
    assert set(sampled) | set(gradient) <= set(expected)
    for rel in expected:
        if rel not in sampled + gradient:
            assert (work / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    studies = load_studies(config)
    for study in SAMPLED_STUDIES:
        runs = f"results/tables/{study}_runs.csv"
        got, want = pd.read_csv(work / runs), pd.read_csv(REPO / runs)
        want = want[want["seed"] < SAMPLED_SEEDS].reset_index(drop=True)
        assert len(got) == len(studies[study].specs)
        pd.testing.assert_frame_equal(got, want)
    grad = "results/tables/gradient_runs.csv"
    got, want = pd.read_csv(work / grad), pd.read_csv(REPO / grad)
    assert len(got) == n_cells(config) and got["n"].max() <= GRADIENT_MAX_N
    assert intervals_overlap(got, want) == []


def damage_truncate(rec_path: Path) -> None:
    text = rec_path.read_text()
    rec_path.write_text(text[: len(text) // 3])


def damage_drop_key(rec_path: Path) -> None:
    rec = json.loads(rec_path.read_text())
    del rec["trials"]
    rec_path.write_text(json.dumps(rec))


def damage_other_seed(rec_path: Path) -> None:
    rec = json.loads(rec_path.read_text())
    rec["params"]["seed"] = 1
    rec_path.write_text(json.dumps(rec))


def test_damaged_record_stops_the_table_step(tmp_path):
    """A damaged record under results/search: the table job fails with one line naming
    the file, and leaves no table (Snakemake removed the old one before the job)."""
    work, env = setup_workdir(tmp_path)
    table = work / "results" / "tables" / "headline_runs.csv"
    out = snakemake(work, env, str(table.relative_to(work)))
    assert out.returncode == 0, out.stderr[-3000:]
    rec_path = work / result_path(
        load_studies(yaml.safe_load(TEST_CONFIG.read_text()))["headline"].specs[0]
    )
    intact = rec_path.read_text()
    for damage, problem in [
        (damage_truncate, "invalid JSON ("),
        (damage_drop_key, "missing trials"),
        (damage_other_seed, "its params belong at"),
    ]:
        damage(rec_path)
        out = snakemake(work, env, str(table.relative_to(work)))
        assert out.returncode != 0
        lines = [line for line in out.stderr.splitlines() if "damaged result record" in line]
        assert lines and lines[0].startswith("rsparity: damaged result record "), out.stderr
        assert str(rec_path.relative_to(work)) in lines[0] and problem in lines[0]
        assert "Traceback" not in (work / "logs" / "tables" / "headline.log").read_text()
        assert not table.exists()
        rec_path.write_text(intact)
