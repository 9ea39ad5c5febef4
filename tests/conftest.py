"""Shared test set-up: the tests folder's helper modules are importable, and the
workflow and SLURM tests count as slow (`pytest -m "not slow"` skips them)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("workflow") or item.get_closest_marker("slurm"):
            item.add_marker(pytest.mark.slow)
