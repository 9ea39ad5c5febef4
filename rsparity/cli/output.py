"""Output paths of the subcommands: checked before any work, written atomically.

A figure is drawn to a temp name next to its path (``atomic.TEMP_SUFFIX``, so a
killed run's leftover is recognisable) and renamed when every file of the command
is complete; on any error (or Ctrl-C) the temp files go and nothing is replaced.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..atomic import TEMP_SUFFIX, check_writable
from ..errors import InputError


def check_file(path: str | os.PathLike, flag: str) -> None:
    """Raise :class:`InputError` naming ``flag`` unless the file ``path`` can be written."""
    try:
        check_writable(path)
    except InputError as err:
        raise InputError(str(err).replace("--json", flag, 1)) from None


def check_dir(path: str | os.PathLike, flag: str) -> None:
    """Raise :class:`InputError` unless ``path`` is a writable directory, or can be
    created as one (its parent exists and is writable)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise InputError(f"{flag} path {str(path)!r} is a file; give a directory")
    existing = target if target.is_dir() else target.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(
            f"{flag} directory {str(path)!r} is not writable: it, or its parent if it is to be "
            "created, must exist and be writable"
        )


@contextlib.contextmanager
def replacing(paths: Mapping[str, str | os.PathLike]) -> Iterator[dict[str, str]]:
    """Yield a temp path per entry of ``paths`` (same keys); once the block succeeds,
    rename each onto its path.  On any exception every temp file is removed."""
    temps: dict[str, str] = {}
    umask = os.umask(0)
    os.umask(umask)
    try:
        for key, path in paths.items():
            target = Path(path)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
            )
            os.close(fd)
            os.chmod(tmp, 0o666 & ~umask)
            temps[key] = tmp
        yield temps
        for key, tmp in temps.items():
            os.replace(tmp, paths[key])
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
