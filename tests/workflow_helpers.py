"""Running the Snakemake workflow from tests, on a private copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_CONFIG = REPO / ".test" / "config" / "config.yaml"


COPIED = [
    "Snakefile",
    "environment.yml",
    "workflow",
    "rsparity",
    "benchmarks",
    "tests",
    "profiles",
]


def make_env(tmp: Path, slurm: bool = False) -> dict:
    """Environment for snakemake; for local runs, no wait on an absent SLURM controller.

    snakemake-executor-plugin-slurm runs `scontrol show config` (10 s timeout)
    whenever it is imported - also for local runs - if slurm-client is
    installed; a stub `scontrol` that fails at once avoids that wait here.
    """
    env = dict(os.environ)
    env.pop("PJRT_NPROC", None)  # the workflow sizes XLA's pool (workflow/rules/common.smk)
    if slurm:
        return env
    stubs = tmp / "stubs"
    stubs.mkdir(exist_ok=True)
    stub = stubs / "scontrol"
    stub.write_text("#!/bin/sh\nexit 1\n")
    stub.chmod(0o755)
    env["PATH"] = f"{stubs}{os.pathsep}{env['PATH']}"
    return env


def setup_workdir(tmp: Path, config: Path = TEST_CONFIG, slurm: bool = False) -> tuple[Path, dict]:
    """A copy of the workflow and package in tmp/work, run with ``config``."""
    work = tmp / "work"
    for name in COPIED:
        src, dst = REPO / name, work / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dst)
    (work / "config").mkdir()
    shutil.copy(config, work / "config" / "config.yaml")
    return work, make_env(tmp, slurm)


def snakemake(
    work: Path, env: dict, *args: str, cores: str = "2", timeout: float = 900
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--cores", cores, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work, timeout=timeout)


def pending(work: Path, env: dict, *targets: str) -> dict[str, int]:
    """Jobs a dry run (of ``targets``, default all) would run, per rule ({} when none)."""
    out = snakemake(work, env, "-n", *targets)
    assert out.returncode == 0, out.stderr + out.stdout
    text = out.stdout + out.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:")[1].split("total")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}
