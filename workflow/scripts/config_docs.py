"""Snakemake script: config/README.md from the config schema (rsparity.configdoc)."""

import sys

from rsparity.atomic import write_text
from rsparity.config import load_yaml
from rsparity.configdoc import render

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")

write_text(render(load_yaml(snakemake.input.schema)), snakemake.output[0])
