"""Interrupted local runs lose nothing: kill the workflow in the middle of its searches
(SIGKILL to Snakemake and every descendant, or Ctrl-C), then rerun it.

Searches run as threads of the Snakemake process (profiles/default), the trace
as a child process; every result is written atomically (rsparity.atomic), so a
kill leaves complete records or none, plus at most a temp file that the next
run removes.  After a SIGKILL Snakemake's lock stays behind (Snakemake cannot
tell a dead run from a live one): the rerun then refuses to start, in one
message, until ``snakemake --unlock``; after Ctrl-C it starts at once.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from workflow_helpers import TEST_CONFIG, setup_workdir, snakemake

from rsparity import atomic
from rsparity.jobs import search_job
from rsparity.record import DETERMINISTIC_KEYS
from rsparity.spec import SearchSpec
from rsparity.studies import load_studies, result_path
from rsparity.trace import trace_search

SPECS = {
    result_path(spec): spec
    for study in load_studies(yaml.safe_load(TEST_CONFIG.read_text())).values()
    for spec in study.specs
}
HEADLINE = load_studies(yaml.safe_load(TEST_CONFIG.read_text()))["headline"].specs[0]
TRACE = result_path(HEADLINE, "results/trace")
TARGETS = [*sorted(SPECS), TRACE]
"""Every search of the .test config, and the trace (a script job: a child process)."""
SLOW = result_path(SearchSpec(arch="nodiag", n=50, sample_size=2048, max_trials=4_000_000))
"""A search of a few seconds here (the zero-diagonal net never solves)."""


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, dict]:
    """What an uninterrupted run writes, by path: each record as the search job writes it
    (rsparity.jobs.search_job, the same call), and the headline trace."""
    tmp = tmp_path_factory.mktemp("uninterrupted")
    out = {}
    for i, (path, spec) in enumerate(SPECS.items()):
        record = tmp / f"{i}.json"
        search_job(spec.as_params(), str(record), str(tmp / f"{i}.log"), {"started": 0})
        out[path] = json.loads(record.read_text())
    out[TRACE] = trace_search(HEADLINE)
    return out


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of all its threads, recursively)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def kill_tree(pid: int) -> list[int]:
    """SIGKILL ``pid`` and every descendant; stopped first, so none can start new ones."""
    os.kill(pid, signal.SIGSTOP)
    tree, seen = [pid], set()
    while set(tree) - seen:  # stop each new process before reading its children
        for p in set(tree) - seen:
            seen.add(p)
            try:
                os.kill(p, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        tree = [pid, *descendants(pid)]
    for p in tree:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return tree


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def records(work: Path) -> int:
    return sum((work / path).exists() for path in SPECS)


def start_and_wait_for_searches(work: Path, env: dict, extra=()) -> subprocess.Popen:
    """Snakemake on TARGETS (and ``extra``) in its own session (its own Ctrl-C group),
    returned once some but not all search records exist."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2", *TARGETS, *extra],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # as in a terminal: a shell's background job (a CI runner's, say) ignores SIGINT,
        # and its children inherit that, so Snakemake would never see the Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300
    while records(work) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    count = records(work)
    if not 0 < count < len(SPECS):
        proc.kill()
        pytest.fail(f"not in the middle of the searches: {count} of {len(SPECS)} records")
    return proc


def check_nothing_partial(work: Path) -> list[Path]:
    """Every file under results/ is a complete record or table, or one of atomic's temp
    files (never read as a result); returns the temp files.  Tables and figures appear when the
    gradient branch, whose rule priority runs it first, finished before the interruption."""
    temps = []
    for path in (work / "results").rglob("*"):
        if path.is_dir():
            continue
        if atomic.is_temporary(path.name):
            temps.append(path)
            continue
        assert path.suffix in (".json", ".csv", ".md", ".png"), path
        if path.suffix == ".png":  # a whole PNG ends with its IEND chunk
            data = path.read_bytes()
            assert data.startswith(b"\x89PNG") and data[-12:-8] == b"\x00\x00\x00\x00", path
            continue
        text = path.read_text()
        if path.suffix == ".json":
            json.loads(text)  # raises on a partial file
            continue
        assert text.endswith("\n"), path
        if path.suffix == ".csv":
            rows = list(csv.reader(text.splitlines()))
            assert len(rows) > 1 and {len(r) for r in rows} == {len(rows[0])}, path
    return temps


def plant_killed_write(work: Path) -> Path:
    """The temp file a job killed inside ``write_text`` leaves: half of a record."""
    missing = next(path for path in SPECS if not (work / path).exists())
    target = work / missing
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.k1ll3d_x.tmp"
    temp.write_text('{\n "params": {"arch": "fu')
    return temp


def rerun_and_compare(work: Path, env: dict, uninterrupted: dict) -> None:
    temp = plant_killed_write(work)
    out = snakemake(work, env, *TARGETS)
    assert out.returncode == 0, out.stderr[-3000:]
    assert f"rsparity: removed {temp.relative_to(work)}" in out.stderr
    assert check_nothing_partial(work) == []
    for path, expected in uninterrupted.items():
        got = json.loads((work / path).read_text())
        keys = DETERMINISTIC_KEYS if path in SPECS else set(expected) - {"timing"}
        for key in keys:
            assert json.dumps(got[key]) == json.dumps(expected[key]), (path, key)


@pytest.mark.workflow
def test_sigkill_in_the_middle_of_the_searches(tmp_path, uninterrupted):
    work, env = setup_workdir(tmp_path)
    proc = start_and_wait_for_searches(work, env)
    tree = kill_tree(proc.pid)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not any(alive(p) for p in tree)
    check_nothing_partial(work)
    assert 0 < records(work) < len(SPECS)
    out = snakemake(work, env, *TARGETS)  # the dead run's lock is still there
    assert out.returncode != 0 and "Directory cannot be locked" in out.stderr
    assert "--unlock" in out.stderr and records(work) < len(SPECS)
    assert snakemake(work, env, "--unlock").returncode == 0
    rerun_and_compare(work, env, uninterrupted)


@pytest.mark.workflow
def test_ctrl_c_in_the_middle_of_the_searches(tmp_path, uninterrupted):
    # The .test searches take milliseconds each: Snakemake could finish them all before it
    # handles the signal.  A search of a few seconds (never solves) keeps the run busy.
    work, env = setup_workdir(tmp_path)
    proc = start_and_wait_for_searches(work, env, extra=[SLOW])
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    _, err = proc.communicate(timeout=120)  # Snakemake stops, it does not hang
    assert proc.returncode != 0 and "Terminating processes on user request" in err, err[-2000:]
    check_nothing_partial(work)
    assert records(work) < len(SPECS) or not (work / SLOW).exists()
    rerun_and_compare(work, env, uninterrupted)


KILLED_WRITER = """
import os, signal, sys
from rsparity import atomic
atomic.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed before the rename
atomic.write_json({"a": 1}, sys.argv[1])
"""


def test_a_write_killed_before_its_rename_leaves_only_a_temp_file(tmp_path):
    target = tmp_path / "results" / "r.json"
    target.parent.mkdir()
    (target.parent / "other.tmp").write_text("not ours")
    out = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)])
    assert out.returncode == -signal.SIGKILL
    temps = [p for p in target.parent.iterdir() if atomic.is_temporary(p.name)]
    assert len(temps) == 1 and temps[0].read_text() == '{\n "a": 1\n}\n'
    assert not target.exists()
    assert atomic.remove_stale_temporaries(tmp_path) == temps
    assert sorted(p.name for p in target.parent.iterdir()) == ["other.tmp"]
