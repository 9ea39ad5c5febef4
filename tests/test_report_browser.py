"""The Snakemake report of the tiny workflow, opened in headless Chromium.

``snakemake --report`` writes one self-contained HTML page, a React app that
builds its views from embedded JSON; only a browser can tell whether a reader
sees every category, each output in it, every figure loaded and every caption.
The test clicks through the menu as a person would, waits for each figure's
``<img>`` to load (``naturalWidth > 0``), opens each output's caption, fails on
any JavaScript error or console error, and keeps a screenshot of every figure
and caption under ``logs/report/`` (gitignored) to look at.

Driver: Playwright for Python on Debian's ``/usr/bin/chromium``
(``executable_path``; Playwright's own browser download is not used). It reports
console messages and uncaught page errors as events (``page.on``), which
Selenium's Chromium driver only approximates through its log API, and it needs
no separate chromedriver package.

Without Chromium or Playwright the test fails under CI (``CI`` set: ``.ci/run``
installs both), and skips locally with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from workflow_helpers import REPO, snakemake

pytestmark = pytest.mark.workflow

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "logs" / "report"

EXPECTED = {
    "Headline run": {"Other": ["search.gif", "headline_summary.csv"]},
    "Reliability": {"Other": ["trials_ecdf.png", "reliability_summary.csv"]},
    "Scaling": {
        "Scaling in N": ["trials_vs_n.png", "scaling_summary.csv"],
        "N = 500": ["n500_summary.csv"],
    },
    "Ablations": {
        "p against H, r and N": ["ablation.png"],
        "Hidden units H": ["hidden_summary.csv"],
        "Weight scale r": ["weight_scale_summary.csv"],
        "Zero diagonal": ["nodiag_summary.csv"],
    },
    "The 1996 paper's protocol": {
        "Four update variants": ["paper_comparison.png", "paper_summary.csv"],
        "A1 with one unstated detail changed": ["a1_variants_summary.csv"],
    },
    "Random search vs gradient descent": {
        "Gradient descent": ["gradient_success.png", "gradient_summary.csv", "gradient_runs.csv"],
        "Why it fails": ["vanishing_gradient.png"],
        "Search baseline": ["gradient_baseline_summary.csv"],
    },
    "Visualisations": {
        "Search curve": ["search_curve.png"],
        "Distribution of trial scores": ["score_histogram.png"],
        "Winning weights": ["hinton.png"],
        "Hidden-unit trajectories": ["hidden_trajectories.png"],
        "The basin, drawn": ["basin.png"],
    },
    "Engine speed": {"Other": ["engine_speed.json"]},
}
"""The README's results sections and the figures and tables each must show (with the
README's headings as subcategories where a section has several)."""


def playwright_or_skip():
    """Playwright's sync API, or a failure under CI / a skip locally saying what is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append('the playwright package (pip install -e ".[test]")')
    if missing:
        reason = "the report browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def report(tiny_run):
    work, env = tiny_run
    out = snakemake(work, env, "--report", "report.html", timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return work / "report.html"


def test_report_in_a_browser(report):
    sync_playwright = playwright_or_skip()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
            page.on(
                "console",
                lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"),
            )
            page.goto(report.as_uri())
            nav = page.locator("nav").first
            page.screenshot(path=SCREENSHOTS / "report.png")
            menu = [c.strip() for c in nav.locator("li").all_inner_texts()]
            assert set(EXPECTED) <= set(menu), menu
            shown = visit_every_result(page, nav)
            assert shown == {
                c: {s: sorted(names) for s, names in subs.items()} for c, subs in EXPECTED.items()
            }
            # the GIF is offered as a download (the report shows only PNG/SVG/JPEG inline):
            # its embedded data must still decode to an image
            width = page.evaluate(GIF_WIDTH)
            assert width > 0
        finally:
            browser.close()
    assert errors == []


GIF_WIDTH = """async () => {
    const entry = Object.values(results).find((r) => r.name === "search.gif");
    const img = new Image();
    img.src = entry.data_uri;
    await img.decode();
    return img.naturalWidth;
}"""


def visit_every_result(page, nav) -> dict:
    """Click each category and subcategory of the menu; per result, view it (figures) and
    open its caption. Returns {category: {subcategory: [file names shown]}}."""
    shown: dict = {}
    for category, subcategories in EXPECTED.items():
        shown[category] = {}
        for subcategory, names in subcategories.items():
            open_list(page, nav, category, subcategory, several=len(subcategories) > 1)
            rows = page.locator("nav table tbody tr")
            shown[category][subcategory] = sorted(
                Path(t.split("\t")[0].strip()).name for t in rows.all_inner_texts()
            )
            for name in names:
                open_list(page, nav, category, subcategory, several=len(subcategories) > 1)
                check_result(page, nav, name)
    return shown


def open_list(page, nav, category: str, subcategory: str, several: bool) -> None:
    """The list of results of one (sub)category, from the menu (the breadcrumbs' home)."""
    nav.locator("ol li a").first.click()
    nav.locator("ul li").get_by_text(category, exact=True).click()
    if several:
        nav.locator("ul li").get_by_text(subcategory, exact=True).click()
    nav.locator("table").wait_for()


def check_result(page, nav, name: str) -> None:
    """View a figure (its <img> loads) and open a result's caption (it is not empty)."""
    row = nav.locator("table tbody tr").filter(has_text=name)
    assert row.count() == 1, name
    buttons = row.locator("td").last.locator("a")
    if name.endswith(".png"):
        buttons.first.click()
        img = page.locator("#app img[src^='data:image/png']")
        img.wait_for()
        page.wait_for_function(
            "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
        )
        assert img.evaluate("i => i.naturalWidth") > 0, name
    buttons.last.click()
    caption = nav.locator(".prose").first
    caption.wait_for()
    assert caption.inner_text().strip(), name
    page.screenshot(path=SCREENSHOTS / f"{Path(name).stem}.png")
