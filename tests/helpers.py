"""Helpers shared by the tests: the project root and the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tasteget(
    *args: str, cwd: Path = ROOT, content: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `tasteget` command line in a fresh process."""
    env = {**os.environ, **(env or {})}
    env.pop("TASTEGET_CONTENT", None)
    if content is not None:
        env["TASTEGET_CONTENT"] = str(content)
    return subprocess.run(
        [sys.executable, "-m", "tasteget", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
