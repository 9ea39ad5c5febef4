"""Captions of the Snakemake report (``snakemake --report``), written from the tables.

Every output marked with ``report(...)`` in ``workflow/rules/*.smk`` has a caption.
Where a number matters the caption is generated here from the same tables the README
reads, as a reStructuredText file under ``results/report/``: the static prose of
``workflow/report/<name>.rst`` (if there is one) followed by a paragraph of numbers.
Snakemake renders a caption as Jinja, then RST (``snakemake.report``), so the study
summary tables - one rule, one caption file - share :func:`study_summaries`, which
branches on ``snakemake.wildcards.study``. :data:`SECTIONS` files every study under the
README section it belongs to: the report's categories. The Snakefile imports this
module to parse, so pandas and :mod:`rsparity.report` load only where captions are made.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fmt, studies
from .atomic import write_text

if TYPE_CHECKING:
    import pandas as pd

SECTIONS: dict[str, tuple[str, str | None]] = {
    "headline": ("Headline run", None),
    "reliability": ("Reliability", None),
    "scaling": ("Scaling", "Scaling in N"),
    "n500": ("Scaling", "N = 500"),
    "hidden": ("Ablations", "Hidden units H"),
    "weight_scale": ("Ablations", "Weight scale r"),
    "nodiag": ("Ablations", "Zero diagonal"),
    "paper": ("The 1996 paper's protocol", "Four update variants"),
    "a1_variants": ("The 1996 paper's protocol", "A1 with one unstated detail changed"),
    "gradient_baseline": ("Random search vs gradient descent", "Search baseline"),
}
"""Study -> (report category, subcategory): the README's ``##``/``###`` sections."""
OTHER = ("Other studies", None)
"""The section of a study the README does not show."""

GENERATED = [
    "search_gif",
    "trials_ecdf",
    "trials_vs_n",
    "ablation",
    "paper_comparison",
    "gradient_success",
    "search_curve",
    "engine_speed",
    "study_summary",
    "gradient_summary",
    "gradient_runs",
]
"""The caption files :func:`captions` writes: results/report/<name>.rst."""


def section(study: str) -> tuple[str, str | None]:
    """The report category and subcategory of ``study``'s tables."""
    return SECTIONS.get(study, OTHER)


def p_text(row: Mapping[str, Any]) -> str:
    """A summary row's solver fraction with its 95 % interval, or its bound if nothing solved."""
    if not row["solves"]:
        return f"no solver in {fmt.integer(row['total_trials'])} trials, p < {fmt.sci(row['p_hi'])}"
    return f"p = {fmt.sci(row['p'])} (95 % CI {fmt.sci(row['p_lo'])} to {fmt.sci(row['p_hi'])})"


SETTING_KEYS = ("arch", *studies.SETTING_KEYS)
"""A summary table's setting columns, in table order."""
SETTING_LABELS = {"weight_scale": "r", "hidden": "H", "n": "N", "sample_size": "B"}


def setting_text(row: Mapping[str, Any], keys: Sequence[str]) -> str:
    """``N = 20, H = 2``: the setting columns ``keys`` of a row."""
    return ", ".join(f"{SETTING_LABELS.get(k, k)} = {fmt.cell(row[k])}" for k in keys)


def summary_lines(summary: pd.DataFrame) -> list[str]:
    """One RST bullet per summary row: its varying settings, solved seeds and p."""
    keys = [k for k in SETTING_KEYS if k in summary and summary[k].astype(str).nunique() > 1]
    lines = []
    for row in summary.to_dict("records"):
        head = f"{setting_text(row, keys)}: " if keys else ""
        lines.append(f"- {head}{row['solved_runs']} of {row['runs']} seeds solve; {p_text(row)}.")
    return lines


LIST_START = re.compile(r"^([-*+]|\d+[.)]|#)( |$)")
"""Cell text that RST would read as the start of a list."""


def rst_cell(text: str) -> str:
    """A Markdown table cell as RST text: code as literals, no accidental list."""
    text = re.sub(r"`([^`]+)`", r"``\1``", text.strip())
    return "\\" + text if LIST_START.match(text) else text or ".."


def rst_table(markdown: str) -> str:
    """The pipe table of a Markdown file (rsparity.tables.markdown) as an RST list-table,
    so the report shows the table itself under its caption."""
    rows = [
        [rst_cell(c) for c in line.strip().strip("|").split("|")]
        for line in markdown.splitlines()
        if line.startswith("|") and not set(line) <= set("|-: ")
    ]
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        lines += [f"   {'*' if i == 0 else ' '} - {cell}" for i, cell in enumerate(row)]
    return "\n".join(lines) + "\n"


def study_summaries(
    summaries: Mapping[str, pd.DataFrame], titles: Mapping[str, str], tables: Mapping[str, str]
) -> str:
    """The caption of every study's summary table, chosen by Snakemake's Jinja pass: a line
    per setting and the table itself (``tables``: study -> its Markdown summary)."""
    parts = []
    for i, (study, summary) in enumerate(summaries.items()):
        keyword = "if" if i == 0 else "elif"
        parts.append(f'{{% {keyword} snakemake.wildcards.study == "{study}" %}}')
        parts.append(f"**{titles.get(study, study)}**: one row per setting.\n")
        parts.extend(summary_lines(summary))
        parts.append("\n" + rst_table(tables[study]))
    parts.append("{% endif %}")
    return "\n".join(parts) + "\n"


def headline_sentence(runs: pd.DataFrame) -> str:
    """The headline search's setting and its solver trial (or that it did not solve)."""
    row = runs.iloc[0]
    found = (
        f"solved at trial {fmt.integer(row['trials'])}"
        if row["solved"]
        else f"unsolved after {fmt.integer(row['trials'])} trials"
    )
    return (
        f"Seed {row['seed']}, N = {row['n']}, H = {row['hidden']}, "
        f"{fmt.integer(row['sample_size'])} training sequences: {found}, "
        f"held-out accuracy {fmt.pct(row['heldout_accuracy'])}."
    )


def ecdf_sentence(reliability: pd.DataFrame, n500: pd.DataFrame) -> str:
    """Both ECDF curves' seeds and their estimated p."""
    parts = [
        f"{row['runs']} seeds at N = {row['n']}: {p_text(row)}"
        for frame in (reliability, n500)
        for row in frame.to_dict("records")
    ]
    return "; ".join(parts) + "."


def scaling_sentence(scaling: pd.DataFrame) -> str:
    """The N range, the pooled p and whether one p fits every N."""
    from .report import flat, pooled_p

    rows = scaling.to_dict("records")
    verdict = (
        "one p fits every N within its 95 % interval"
        if flat(rows)
        else "p differs between N beyond the 95 % intervals"
    )
    return (
        f"N from {rows[0]['n']} to {rows[-1]['n']}, {sum(r['runs'] for r in rows)} searches; "
        f"pooled p = {fmt.sci(pooled_p(rows))}: {verdict}."
    )


def ablation_sentence(hidden: pd.DataFrame, scale: pd.DataFrame, nodiag: pd.DataFrame) -> str:
    """The best H and r by p, and the zero-diagonal net's solves."""
    best_h = hidden.loc[hidden["p"].idxmax()]
    best_r = scale.loc[scale["p"].idxmax()]
    solves = int(nodiag["solves"].sum())
    trials = nodiag["total_trials"].sum()
    return (
        f"Highest p at H = {fmt.cell(best_h['hidden'])}: {p_text(best_h)}; "
        f"at r = {fmt.cell(best_r['weight_scale'])}: {p_text(best_r)}. "
        f"Zero diagonal: {solves} solves in {fmt.integer(trials)} trials."
    )


def paper_sentence(paper: pd.DataFrame, reported: Mapping[str, float]) -> str:
    """The variant that matches the paper's figure for the most nets (rsparity.report)."""
    from .report import paper_context

    best = paper_context(paper, reported)["best"]
    nets = "; ".join(best["matches"]) or "none"
    return (
        f"``{best['variant']}`` matches the paper for {len(best['matches'])} of "
        f"{len(best['net'])} nets (the paper's mean inside our 95 % interval: {nets})."
    )


def gradient_sentence(summary: pd.DataFrame) -> str:
    """How many cells and restarts, how many solved, and the longest N any restart solved."""
    solved = summary[summary["solved"] > 0]
    longest = f"N = {int(solved['n'].max())}" if len(solved) else "none"
    return (
        f"{len(summary)} cells (best learning rate each), {int(summary['solved'].sum())} of "
        f"{int(summary['restarts'].sum())} restarts solved; longest N with a solved restart: "
        f"{longest}."
    )


def gradient_runs_sentence(runs: pd.DataFrame) -> str:
    """How many cells and learning rates the table holds."""
    return (
        f"{len(runs)} rows: every learning rate tried "
        f"({runs['lr'].nunique()} distinct, {fmt.sci(runs['lr'].min())} to "
        f"{fmt.sci(runs['lr'].max())})."
    )


def engine_sentence(benchmark: Mapping[str, Any]) -> str:
    """The range of the engine's speed-up over the plain loop, over every benchmarked case."""
    ratios = [r["ratio"] for r in [*benchmark.get("rows", []), *benchmark.get("paper_rows", [])]]
    if not ratios:
        return "No case was benchmarked."
    return (
        f"{len(ratios)} cases; the engine is {fmt.integer(min(ratios))} to "
        f"{fmt.integer(max(ratios))} times as fast as the plain loop "
        f"(on {benchmark.get('machine', 'this machine')})."
    )


def captions(
    summaries: Mapping[str, str | os.PathLike],
    markdown: Mapping[str, str | os.PathLike],
    headline_runs: str | os.PathLike,
    gradient_summary: str | os.PathLike,
    gradient_markdown: str | os.PathLike,
    gradient_runs: str | os.PathLike,
    benchmark: str | os.PathLike,
    literature: Mapping[str, Any],
    titles: Mapping[str, str],
) -> dict[str, str]:
    """The numbers paragraph of every generated caption (:data:`GENERATED`), from the files;
    ``summaries`` and ``markdown``: each study's summary table as CSV and Markdown."""
    import pandas as pd

    from .report import read_records

    s = {k: pd.DataFrame(read_records(v)) for k, v in summaries.items()}
    head = pd.DataFrame(read_records(headline_runs))
    grad = pd.read_csv(gradient_summary, keep_default_na=False, na_values=[""])
    headline = headline_sentence(head)
    return {
        "search_gif": headline,
        "search_curve": headline,
        "trials_ecdf": ecdf_sentence(s["reliability"], s["n500"]),
        "trials_vs_n": scaling_sentence(s["scaling"]),
        "ablation": ablation_sentence(s["hidden"], s["weight_scale"], s["nodiag"]),
        "paper_comparison": paper_sentence(s["paper"], literature["paper"]),
        "gradient_success": gradient_sentence(grad),
        "gradient_summary": gradient_sentence(grad)
        + "\n\n"
        + rst_table(Path(gradient_markdown).read_text()),
        "gradient_runs": gradient_runs_sentence(pd.read_csv(gradient_runs)),
        "engine_speed": engine_sentence(json.loads(Path(benchmark).read_text())),
        "study_summary": study_summaries(
            s, titles, {k: Path(v).read_text() for k, v in markdown.items()}
        ),
    }


def write_captions(texts: Mapping[str, str], static: str | os.PathLike, out: Sequence[str]) -> None:
    """Write each ``out`` path (``<name>.rst``): ``static/<name>.rst``, if it exists, then
    the generated paragraph ``texts[name]``; atomically."""
    for path in out:
        name = Path(path).stem
        prose = Path(static) / f"{name}.rst"
        head = prose.read_text().rstrip() + "\n\n" if prose.exists() else ""
        write_text(head + texts[name].rstrip() + "\n", path)
