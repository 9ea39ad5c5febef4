"""The report's generated captions (rsparity.captions): numbers from the tables, valid RST."""

from __future__ import annotations

import json
from types import SimpleNamespace

import jinja2
import pandas as pd
import pytest
import yaml
from docutils.core import publish_parts
from workflow_helpers import REPO

from rsparity import captions as cap

TABLES = REPO / "results" / "tables"
STUDIES = ["headline", "reliability", "scaling", "n500", "hidden", "weight_scale", "nodiag"]
STUDIES += ["paper", "a1_variants", "gradient_baseline"]


def summary(**columns) -> pd.DataFrame:
    """A summary table with the columns the captions read (solves, trials, p and its CI)."""
    frame = pd.DataFrame(columns)
    frame["solves"] = frame["solved_runs"]
    frame["p"] = frame["solves"] / frame["total_trials"]
    return frame


def as_html(rst: str, study: str = "reliability") -> str:
    """A caption as Snakemake shows it: Jinja (trim_blocks, lstrip_blocks), then RST; any
    RST warning is an error here."""
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    text = env.from_string(rst).render(snakemake=SimpleNamespace(wildcards={"study": study}))
    return publish_parts(text, writer="html", settings_overrides={"halt_level": 2})["body"]


def test_p_text_quotes_the_interval_or_the_bound():
    row = {"solves": 2, "total_trials": 8000, "p": 2 / 8000, "p_lo": 3.03e-5, "p_hi": 9.03e-4}
    assert cap.p_text(row) == "p = 2.5e-4 (95 % CI 3.0e-5 to 9.0e-4)"
    none = {"solves": 0, "total_trials": 40000, "p": 0.0, "p_lo": 0.0, "p_hi": 9.22e-5}
    assert cap.p_text(none) == "no solver in 40,000 trials, p < 9.2e-5"


@pytest.mark.parametrize("flat", [True, False])
def test_scaling_caption_pools_p_and_says_whether_one_p_fits(flat):
    # pooled p = (1 + 2) / (4000 + 6000) = 3e-4; the second interval holds it or not
    hi = 5e-4 if flat else 2.9e-4
    table = summary(
        n=[10, 40],
        runs=[2, 3],
        solved_runs=[1, 2],
        total_trials=[4000, 6000],
        p_lo=[1e-5, 1e-5],
        p_hi=[1e-3, hi],
    )
    text = cap.scaling_sentence(table)
    assert "N from 10 to 40, 5 searches; pooled p = 3.0e-4" in text
    assert ("one p fits every N" in text) is flat


def test_ablation_caption_names_the_best_setting():
    hidden = summary(
        hidden=[1, 2, 3],
        runs=[2, 2, 2],
        solved_runs=[0, 2, 1],
        total_trials=[40000, 8000, 30000],
        p_lo=[0.0, 3e-5, 1e-6],
        p_hi=[9e-5, 9e-4, 2e-4],
    )
    scale = hidden.rename(columns={"hidden": "weight_scale"}).assign(weight_scale=[1.0, 3.0, 30.0])
    nodiag = summary(n=[6], runs=[1], solved_runs=[0], total_trials=[2000], p_lo=[0.0], p_hi=[1e-3])
    text = cap.ablation_sentence(hidden, scale, nodiag)
    # p = 2 / 8000 at H = 2 (and r = 3) beats 1 / 30000 and 0
    assert "Highest p at H = 2: p = 2.5e-4" in text
    assert "at r = 3: p = 2.5e-4" in text
    assert "Zero diagonal: 0 solves in 2,000 trials." in text


def test_study_summary_caption_shows_only_its_own_study():
    tables = {
        "reliability": summary(
            runs=[3], solved_runs=[2], total_trials=[30000], p_lo=[7.6e-6], p_hi=[2.3e-4]
        ),
        "hidden": summary(
            hidden=[1, 2],
            runs=[2, 2],
            solved_runs=[0, 1],
            total_trials=[40000, 27000],
            p_lo=[0.0, 9.3e-7],
            p_hi=[9.2e-5, 2.0e-4],
        ),
    }
    markdown = {s: f"| study |\n|---:|\n| {s} table |\n" for s in tables}
    titles = {"reliability": "Reliability", "hidden": "Hidden units"}
    rst = cap.study_summaries(tables, titles, markdown)
    rel = as_html(rst, "reliability")
    assert "2 of 3 seeds solve; p = 6.7e-5" in rel  # 2 / 30000
    assert "Hidden units" not in rel and "reliability table" in rel
    hid = as_html(rst, "hidden")
    assert "H = 1: 0 of 2 seeds solve; no solver in 40,000 trials" in hid
    assert "H = 2: 1 of 2 seeds solve; p = 3.7e-5" in hid  # 1 / 27000
    assert "Reliability" not in hid


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """Every generated caption, written from the committed tables (and a made-up benchmark)."""
    out = tmp_path_factory.mktemp("captions")
    bench = out / "engine_speed.json"
    bench.write_text(json.dumps({"machine": "test", "rows": [{"ratio": 120.4}, {"ratio": 1499.6}]}))
    texts = cap.captions(
        summaries={s: TABLES / f"{s}_summary.csv" for s in STUDIES},
        markdown={s: TABLES / f"{s}.md" for s in STUDIES},
        headline_runs=TABLES / "headline_runs.csv",
        gradient_summary=TABLES / "gradient_summary.csv",
        gradient_markdown=TABLES / "gradient.md",
        gradient_runs=TABLES / "gradient_runs.csv",
        benchmark=bench,
        literature=yaml.safe_load((REPO / "workflow" / "literature.yaml").read_text()),
        titles={},
    )
    paths = [str(out / f"{name}.rst") for name in cap.GENERATED]
    cap.write_captions(texts, REPO / "workflow" / "report", paths)
    return {name: (out / f"{name}.rst").read_text() for name in cap.GENERATED}


def test_every_generated_caption_is_valid_rst_after_its_static_prose(committed):
    assert set(committed) == set(cap.GENERATED)
    for name, text in committed.items():
        static = (REPO / "workflow" / "report" / f"{name}.rst").read_text().strip()
        assert text.startswith(static), name
        for study in STUDIES:
            assert as_html(text, study).strip(), (name, study)


def test_markdown_table_becomes_an_rst_table():
    markdown = "#### Title\n\n| net | `variant` | median |\n|---|---:|---:|\n| A1 | `a / b` | - |\n"
    html = as_html(cap.rst_table(markdown))
    assert html.count("<tr>") == 2 and "Title" not in html
    assert "<th" in html and ">net<" in html
    assert 'literal">a / b</' in html  # the variant as code
    assert ">-</" in html and "<ul" not in html  # a dash, not an empty bullet list


def test_ecdf_caption_has_p_from_the_runs_table(committed):
    # p = solved seeds / all trials searched, from the runs table, not the summary
    for study in ("reliability", "n500"):
        runs = pd.read_csv(TABLES / f"{study}_runs.csv")
        p = runs["solved"].sum() / runs["trials"].sum()
        p_text = f"{p:.1e}".replace("e-0", "e-")  # 9.2e-05 as the text writes it: 9.2e-5
        assert (
            f"{len(runs)} seeds at N = {runs['n'].iloc[0]}: p = {p_text}"
            in committed["trials_ecdf"]
        )


def test_headline_captions_have_the_solver_trial(committed):
    trials = int(pd.read_csv(TABLES / "headline_runs.csv")["trials"].iloc[0])
    for name in ("search_gif", "search_curve"):
        assert f"solved at trial {trials:,}" in committed[name]


def test_gradient_caption_counts_solved_restarts(committed):
    table = pd.read_csv(TABLES / "gradient_summary.csv")
    solved = int(table["solved"].sum())
    assert (
        f"{len(table)} cells (best learning rate each), {solved} of"
        in committed["gradient_summary"]
    )


def test_engine_caption_gives_the_speed_up_range(committed):
    assert "2 cases; the engine is 120 to 1,500 times as fast" in committed["engine_speed"]


def test_every_readme_study_has_a_report_section():
    assert set(STUDIES) <= set(cap.SECTIONS)
    assert cap.section("not_in_readme") == cap.OTHER
