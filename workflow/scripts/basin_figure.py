"""Snakemake script: the slices and the scaling summary -> the basin figure."""

import sys

import pandas as pd

from rsparity.basin_figure import basin_figure
from rsparity.slices import read_slice

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

inputs = snakemake.input
solvers = [read_slice(path) for path in inputs.solvers]
scaling = pd.read_csv(inputs.scaling)
basin_figure(solvers, read_slice(inputs.nonsolver), scaling, snakemake.output[0])
print(f"{len(solvers)} solver slices and a non-solver's", file=sys.stderr)
