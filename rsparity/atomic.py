"""Atomic file writes: a reader, or a killed job, never sees a half-written file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError


def check_writable(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` unless ``path`` can be created or replaced."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"--json path {str(path)!r} is a directory; give a file path")
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(
            f"--json path {str(path)!r} is not writable: its directory must exist and be writable"
        )


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` atomically: a temp file in the same directory, then rename.

    A reader (or a killed job) never sees a half-written file.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(data: Any, path: str | os.PathLike) -> None:
    """Write ``data`` as indented JSON, atomically (:func:`write_text`)."""
    write_text(json.dumps(data, indent=1) + "\n", path)
