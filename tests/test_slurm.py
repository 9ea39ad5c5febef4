"""The workflow on a real single-node SLURM cluster with accounting, via profiles/slurm.

`.ci/slurm/up.sh` installs and starts munge, mariadb, slurmdbd, slurmctld and
slurmd (root and apt needed); the plugin checks job states with its default,
`sacct`, as on a production cluster.  Daemons are stopped by PID afterwards,
also when a test fails.  Outside CI the tests skip when root/apt are missing;
in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from workflow_helpers import REPO, TEST_CONFIG, setup_workdir, snakemake

from rsparity.engine import search
from rsparity.gradient.study import load_cells
from rsparity.record import DETERMINISTIC_KEYS, build_record
from rsparity.spec import SearchSpec
from rsparity.studies import load_studies, result_path

pytestmark = pytest.mark.slurm

CONFIG = REPO / "config" / "config.yaml"
SLURM = ["--profile", "profiles/slurm", "--slurm-init-seconds-before-status-checks", "3"]


@pytest.fixture(scope="module")
def cluster():
    why = None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        why = "a real SLURM cluster needs root and apt-get"
    else:
        try:
            import snakemake_executor_plugin_slurm  # noqa: F401
        except ImportError:
            why = "snakemake-executor-plugin-slurm is not installed (pip install -e '.[slurm]')"
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    try:
        subprocess.run(["bash", str(REPO / ".ci/slurm/up.sh")], check=True, timeout=900)
        yield
    finally:
        subprocess.run(["bash", str(REPO / ".ci/slurm/down.sh")], timeout=300)


def sacct_states(job_ids: list[str]) -> dict[str, str]:
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "JobID,State", "-j", ",".join(job_ids)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("|", 1) for line in out.split())


def deterministic(path: Path) -> dict:
    record = json.loads(path.read_text())
    return {k: record[k] for k in DETERMINISTIC_KEYS}


def submitted(text: str) -> list[str]:
    return re.findall(r"submitted with SLURM jobid (\d+)", text)


def test_n500_study_through_sbatch_equals_local_run(cluster, tmp_path, capsys):
    target = "results/tables/n500_summary.csv"
    work, env = setup_workdir(tmp_path / "slurm", CONFIG, slurm=True)
    out = snakemake(work, env, *SLURM, target)
    assert out.returncode == 0, out.stderr[-4000:]
    jobs = submitted(out.stdout + out.stderr)
    states = sacct_states(jobs)
    assert jobs and set(states.values()) == {"COMPLETED"}, states

    local, local_env = setup_workdir(tmp_path / "local", CONFIG)
    assert snakemake(local, local_env, target).returncode == 0
    records = sorted((work / "results" / "search").rglob("*.json"))
    assert len(records) == 10
    for path in records:
        twin = local / path.relative_to(work)
        assert deterministic(path) == deterministic(twin), path
    assert (work / target).read_bytes() == (local / target).read_bytes()
    with capsys.disabled():
        print(
            f"\n[slurm] n500 study: sbatch jobs {', '.join(f'{j}={s}' for j, s in states.items())}"
        )
        print(f"[slurm] {len(records)} result records equal the local run's (deterministic fields)")


class Killer(threading.Thread):
    """SIGKILL the process of a running SLURM search job: the first one only, or every one.

    (Not `scancel`: plugin 2.8.0 compares sacct's state with "CANCELLED"
    exactly, sacct reports "CANCELLED by <uid>", and the run would wait forever.)
    """

    def __init__(self, work: Path, every: bool):
        super().__init__(daemon=True)
        self.every, self.killed, self.stop = every, [], threading.Event()
        # only this test's searches: the Snakemake process SLURM runs for a search job
        self.pattern = re.escape(f"--snakefile {work}/Snakefile --target-jobs search:")

    def run(self):
        while not self.stop.is_set():
            pids = subprocess.run(
                ["pgrep", "-f", self.pattern],
                capture_output=True,
                text=True,
            ).stdout.split()
            for pid in pids:
                if pid not in self.killed:
                    time.sleep(0.5)  # let the search start
                    subprocess.run(["kill", "-9", pid])
                    self.killed.append(pid)
                    if not self.every:
                        return
            time.sleep(0.1)


def run_with_killer(work, env, target, every, *extra):
    killer = Killer(work, every)
    killer.start()
    try:
        out = snakemake(work, env, *SLURM, *extra, target, timeout=600)
    finally:
        killer.stop.set()
        killer.join()
    return out, killer.killed


def leftovers(work: Path) -> list[Path]:
    return [p for p in (work / "results").rglob("*") if p.is_file()]


def test_killed_search_is_retried_and_result_is_identical(cluster, tmp_path, capsys):
    spec = SearchSpec(arch="nodiag", n=50, max_trials=1_000_000, seed=0)
    target = result_path(spec)
    work, env = setup_workdir(tmp_path, CONFIG, slurm=True)
    out, killed = run_with_killer(work, env, target, every=False)
    assert out.returncode == 0, out.stderr[-4000:]
    jobs = submitted(out.stdout + out.stderr)
    states = sacct_states(jobs)
    assert len(killed) == 1 and len(jobs) == 2, (killed, jobs)
    assert states[jobs[0]] == "FAILED" and states[jobs[1]] == "COMPLETED", states
    got = json.loads((work / target).read_text())
    want = build_record(spec, search(spec))
    assert {k: got[k] for k in DETERMINISTIC_KEYS} == {k: want[k] for k in DETERMINISTIC_KEYS}
    assert leftovers(work) == [work / target]
    with capsys.disabled():
        print(
            f"\n[slurm] search killed in job {jobs[0]} (FAILED), retried as {jobs[1]} (COMPLETED)"
        )


def test_search_failing_every_attempt_fails_the_run(cluster, tmp_path, capsys):
    target = result_path(SearchSpec(arch="nodiag", n=20, max_trials=1_000_000, seed=1))
    work, env = setup_workdir(tmp_path, CONFIG, slurm=True)
    out, killed = run_with_killer(work, env, target, True, "--retries", "1")
    assert out.returncode != 0
    jobs = submitted(out.stdout + out.stderr)
    assert len(killed) == 2 and set(sacct_states(jobs).values()) == {"FAILED"}, (killed, jobs)
    assert "Error in rule search" in out.stderr
    assert leftovers(work) == []
    with capsys.disabled():
        print(f"\n[slurm] both attempts killed (jobs {', '.join(jobs)}): exit {out.returncode}")


def test_gradient_cell_through_sbatch_fills_the_compilation_cache_and_equals_local(
    cluster, tmp_path, capsys
):
    """The cell's SLURM job parses workflow/rules/common.smk itself, so it gets JAX's
    persistent compilation cache (the workdir's .snakemake/jax-cache) whatever
    environment sbatch passes on; its record equals a local run's (measured times aside)."""
    config = yaml.safe_load(TEST_CONFIG.read_text())
    target = load_cells(config, load_studies(config))[0].path
    work, env = setup_workdir(tmp_path / "slurm", TEST_CONFIG, slurm=True)
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    out = snakemake(work, env, *SLURM, target)
    assert out.returncode == 0, out.stderr[-4000:]
    states = sacct_states(submitted(out.stdout + out.stderr))
    # one job for the grouped searches, one for the cell
    assert len(states) == 2 and set(states.values()) == {"COMPLETED"}, states
    cache = list((work / ".snakemake" / "jax-cache").iterdir())
    assert cache

    local, local_env = setup_workdir(tmp_path / "local", TEST_CONFIG)
    assert snakemake(local, local_env, target).returncode == 0
    got, want = (json.loads((w / target).read_text()) for w in (work, local))
    for record in (got, want):  # the measured times: the cell's, and its searches' seconds
        del record["timing"], record["search"]["seconds"]
    assert got == want
    with capsys.disabled():
        jobs = ", ".join(f"{j}={s}" for j, s in states.items())
        print(f"\n[slurm] gradient cell: sbatch jobs {jobs}; {len(cache)} JAX cache entries")
