"""Snakemake script: gradient summary and gradient norms -> the gradient study's figures."""

import json
import sys
from pathlib import Path

import pandas as pd

from rsparity.gradient.figures import gradient_success, vanishing_gradient

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

summary = pd.read_csv(snakemake.input.summary)
norms = pd.DataFrame(json.loads(Path(snakemake.input.vanishing).read_text())["rows"])
search = pd.read_csv(snakemake.input.search)
gradient_success(summary, snakemake.output[0])
vanishing_gradient(norms, search, snakemake.output[1])
