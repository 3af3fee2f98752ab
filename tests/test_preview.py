"""Previewing while editing: the served page changes after a content file is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError):
        return ""


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


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
