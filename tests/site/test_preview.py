"""Previewing while editing: the served page changes after a content file is saved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.helpers import ROOT, free_port, wait_for


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (["{bin}/tasteget", "preview", "--port", "{port}"], "/en/municipalities/kommun-0000/"),
        (["{bin}/mkdocs", "serve", "-a", "127.0.0.1:{port}"], "/kommuner/kommun-0000/"),
    ],
    ids=["tasteget preview", "mkdocs serve"],
)
def test_served_page_follows_content_edits(sample: Path, command, path):
    port = free_port()
    argv = [part.format(bin=Path(sys.executable).parent, port=port) for part in command]
    env = dict(os.environ, TASTEGET_CONTENT=str(sample))
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        assert wait_for(url, "Kommun0000 is a municipality" if "/en/" in path else "Kommun0000 är en kommun")
        muni = sample / "municipalities" / "kommun-0000.yml"
        text = muni.read_text(encoding="utf-8")
        muni.write_text(
            text.replace("Kommun0000 är en kommun", "Kommun0000 är en nyskriven kommun").replace(
                "Kommun0000 is a municipality", "Kommun0000 is a freshly edited municipality"
            ),
            encoding="utf-8",
        )
        assert wait_for(url, "freshly edited" if "/en/" in path else "nyskriven")
    finally:
        server.terminate()
        server.wait(timeout=10)
