"""A directory that really refuses new files, also to root (the tests run as root here).

Directory permissions do not bind root, so as root the directory gets the
immutable attribute (``chattr +i``: creating, renaming or deleting entries then
fails with EPERM, also for root, and ``os.access`` reports it); otherwise mode
0o555 is enough.  Where neither works (a filesystem without the attribute) the
test is skipped.  The attribute is always removed again, or pytest could not
delete the temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[Path]:
    """``directory`` (created if missing) made unwritable for the duration."""
    directory.mkdir(parents=True, exist_ok=True)
    root = os.geteuid() == 0
    if root:
        done = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i {directory}: {done.stderr.strip()}")
    else:
        directory.chmod(0o555)
    try:
        try:
            (directory / "probe").touch()
        except OSError:
            pass
        else:
            pytest.skip(f"{directory} still accepts new files")
        yield directory
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        else:
            directory.chmod(0o755)
