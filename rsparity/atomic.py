"""Atomic file writes: a reader, or a killed job, never sees a half-written file."""

from __future__ import annotations

import json
import os
import re
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


TEMP_SUFFIX = ".tmp"
"""A file being written is ``.<name>.<8 random characters>.tmp`` next to ``<name>``."""
_TEMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX))


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` atomically: a temp file in the same directory, then rename.

    A reader (or a killed job) never sees a half-written file; a process killed
    mid-write (SIGKILL) leaves only the temp file, which
    :func:`remove_stale_temporaries` deletes.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
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


def is_temporary(name: str) -> bool:
    """Whether the file name ``name`` is one of :func:`write_text`'s temp files."""
    return _TEMP_NAME.fullmatch(name) is not None


def remove_stale_temporaries(root: str | os.PathLike) -> list[Path]:
    """Delete the temp files :func:`write_text` left under ``root`` when killed; the paths.

    Only safe while nothing writes under ``root`` (the workflow's start, under its lock).
    """
    stale = [
        Path(d) / name for d, _, files in os.walk(root) for name in files if is_temporary(name)
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
