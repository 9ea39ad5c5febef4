"""Shared test set-up: the tests folder's helper modules are importable, and the
workflow and SLURM tests count as slow (`pytest -m "not slow"` skips them)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


JAX_TESTS = ("test_gradient_nets.py", "test_gradient_train.py")
"""Test files that load JAX into the pytest process.  JAX is multithreaded, and a fork
after it has started its threads can deadlock, so these run after every test that forks
(the engine's worker processes)."""


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("workflow") or item.get_closest_marker("slurm"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: Path(str(item.fspath)).name in JAX_TESTS)
