"""Snakemake script: render README.md from its template and the result files.

Jinja2 with StrictUndefined: a number missing from the results fails the build
instead of leaving a blank in the README.
"""

import json
import math
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import yaml

from rsparity.tables import fmt_pct

snakemake = snakemake  # noqa: F821 - injected by Snakemake


def records(path):
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    return frame.to_dict("records")


def fmt_int(value):
    return f"{int(round(value)):,}"


def fmt_num(value, digits=3):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "inf" if value == math.inf else "-"
    return f"{value:.{digits}g}" if abs(value) < 1e-3 or abs(value) >= 1e6 else f"{value:,.{digits}g}"


def fmt_sci(value, digits=2):
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


studies = snakemake.params.studies
data = {
    name: {
        "runs": records(runs),
        "summary": records(summary),
        "markdown": Path(md).read_text(),
    }
    for name, runs, summary, md in zip(
        studies,
        snakemake.input.tables,
        snakemake.input.summaries,
        snakemake.input.markdown,
        strict=True,
    )
}
headline = json.loads(Path(snakemake.input.headline).read_text())
headline["w_hh_frobenius"] = float(np.linalg.norm(np.array(headline["weights"]["W_hh"])))
env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(snakemake.input.template).parent),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
env.filters.update(int=fmt_int, pct=fmt_pct, num=fmt_num, sci=fmt_sci)
text = env.get_template(Path(snakemake.input.template).name).render(
    template=str(Path(snakemake.input.template).relative_to(Path(snakemake.input.template).parents[2])),
    studies=data,
    headline=headline,
    benchmark=json.loads(Path(snakemake.input.benchmark).read_text()),
    literature=yaml.safe_load(Path(snakemake.input.literature).read_text()),
)
Path(snakemake.output[0]).write_text(text)
Path(snakemake.log[0]).write_text(f"rendered {len(text)} characters\n")
