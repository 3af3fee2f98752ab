"""Files and folders that hold personal data or secrets, created readable by their owner only.

The mode is given when the file is created, so there is no moment in which another account on the
machine can open it (a chmod afterwards leaves one). The process umask can only narrow it further.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE = 0o600
FOLDER = 0o700


def create(path: Path) -> None:
    """An empty file at `path`, for SQLite to fill; one already there is left as it is.

    SQLite gives the files it makes beside a database (its -wal, -shm and -journal) the database
    file's mode, so they are private too."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE))


def write(path: Path, data: bytes) -> None:
    """`data` into the file at `path`, made private if it is new (an existing file keeps its mode)."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE), "wb") as file:
        file.write(data)


def folder(path: Path) -> None:
    """The folder at `path` (and missing parents), private if it is new."""
    path.mkdir(mode=FOLDER, parents=True, exist_ok=True)
