"""Shared fixtures: generated content and the real site built once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import tasteget
from sample_content import write_sample


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
