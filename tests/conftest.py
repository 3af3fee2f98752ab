"""Shared fixtures: the project root, the command line, generated content and a built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample_content import write_sample

ROOT = Path(__file__).resolve().parent.parent


def tasteget(*args: str, cwd: Path = ROOT, content: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `tasteget` command line in a fresh process."""
    env = dict(os.environ)
    env.pop("TASTEGET_CONTENT", None)
    if content is not None:
        env["TASTEGET_CONTENT"] = str(content)
    return subprocess.run([sys.executable, "-m", "tasteget", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A valid generated content folder with two municipalities and a coworking space each."""
    return write_sample(tmp_path / "content", municipalities=2, spaces=1)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real content built into a temporary folder, both languages."""
    out = tmp_path_factory.mktemp("site")
    result = tasteget("build", "--site-dir", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out
