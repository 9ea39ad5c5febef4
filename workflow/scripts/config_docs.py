"""Snakemake script: config/README.md from the config schema (rsparity.configdoc)."""

import sys

import yaml

from rsparity.atomic import write_text
from rsparity.configdoc import render

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

with open(snakemake.input.schema) as schema:
    write_text(render(yaml.safe_load(schema)), snakemake.output[0])
