"""The mark a finished build leaves in the site folder, so a running intake knows the site (and the
content it was built from) changed: one `stat` tells, without walking the content folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .shell import SHELL_DIR

STAMP = "built"


def stamp_path(site_dir: Path) -> Path:
    return site_dir / SHELL_DIR / STAMP


def write(site_dir: Path) -> Path:
    """Mark the build done; written last, and by renaming, so a reader never sees half a build as done."""
    path = stamp_path(site_dir)
    partial = path.with_name(f".{STAMP}.{os.getpid()}")
    partial.write_text(f"{time.time_ns()}\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def read(site_dir: Path) -> tuple[int, int] | None:
    """Which build this is (it changes with every build), or None while none is finished."""
    try:
        st = stamp_path(site_dir).stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_ino
