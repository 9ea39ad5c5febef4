"""Shared test set-up: the tests folder's helper modules are importable, the workflow
and SLURM tests count as slow (`pytest -m "not slow"` skips them), and the tiny
workflow runs once per session for every test that reads its outputs (`tiny_run`)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The tiny .test workflow, run once on a private copy: (work directory, environment).

    Tests may change it only if they put it back (tests/test_workflow.py's edits do)."""
    from workflow_helpers import setup_workdir, snakemake

    work, env = setup_workdir(tmp_path_factory.mktemp("tiny"))
    out = snakemake(work, env)
    assert out.returncode == 0, out.stderr[-3000:]
    return work, env


JAX_TESTS = ("test_gradient_nets.py", "test_gradient_train.py")
"""Test files that load JAX into the pytest process.  JAX is multithreaded, and a fork
after it has started its threads can deadlock, so these run after every test that forks
(the engine's worker processes)."""


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("workflow") or item.get_closest_marker("slurm"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: Path(str(item.fspath)).name in JAX_TESTS)
