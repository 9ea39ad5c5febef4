# Config validation and the expansion of studies into search jobs.
# Runs at parse time: a bad config stops the workflow before any job.

import hashlib
import sys
from pathlib import Path

import jsonschema
import yaml

import rsparity
from rsparity.errors import InputError
from rsparity.studies import load_studies, result_path, spec_from_path_parts


wildcard_constraints:
    arch=r"[A-Za-z0-9]+",
    setting=r"[^,]+",
    seed=r"\d+",
    study=r"[A-Za-z0-9_]+",


README_STUDIES = [
    "headline",
    "reliability",
    "scaling",
    "n500",
    "hidden",
    "weight_scale",
    "nodiag",
    "paper",
]


def check_config(config):
    """Schema (structure, types) then rsparity's own checks (values); one-line errors."""
    schema = yaml.safe_load(Path(workflow.source_path("../schemas/config.schema.yaml")).read_text())
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(config)
    )
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise InputError(f"config {where.lstrip('.') or '(top level)'}: {error.message}")
    studies = load_studies(config)
    missing = [name for name in README_STUDIES if name not in studies]
    if missing:
        raise InputError(f"config studies: missing {', '.join(missing)} (README.md shows them)")
    return studies


try:
    STUDIES = check_config(config)
except InputError as err:
    sys.exit(f"rsparity: {err}")

STUDY_RESULTS = {name: [result_path(spec) for spec in specs] for name, specs in STUDIES.items()}
PACKAGE_DIR = Path(rsparity.__file__).parent
NOT_ENGINE = {"__main__", "animation", "cli", "plots", "stats", "studies", "tables", "trace"}


def code_digest(modules):
    """sha256 over rsparity modules' source, so editing them reruns dependent jobs."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        path = PACKAGE_DIR / f"{name}.py"
        if path.exists():
            digest.update(f"{name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


ENGINE_MODULES = {p.stem for p in PACKAGE_DIR.glob("*.py")} - NOT_ENGINE
ENGINE_DIGEST = code_digest(ENGINE_MODULES)


def search_spec(wildcards):
    """The search settings of a result path, as plain builtins (tracked by params)."""
    spec = spec_from_path_parts(wildcards.arch, wildcards.setting, wildcards.seed)
    return spec.as_params()


def study_inputs(wildcards):
    return STUDY_RESULTS[wildcards.study]


def headline_path(root):
    """The headline search's path under ``root`` (results/search, results/trace)."""
    return STUDY_RESULTS["headline"][0].replace("results/search", root, 1)


def search_benchmarks(study):
    """Snakemake's benchmark file of every search of ``study``."""
    return [
        path.replace("results/search", "logs/search", 1).replace(".json", ".benchmark.tsv")
        for path in STUDY_RESULTS[study]
    ]
