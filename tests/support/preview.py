"""The real `tasteget preview` (what `make preview` runs) in its own process, over content of a test's own."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.helpers import ROOT, free_port, wait_for


@contextlib.contextmanager
def previewing(content: Path, ready: tuple[str, str], env: dict | None = None):
    """`tasteget preview` of `content` on a free port until the block ends; its address once the page
    `ready[0]` shows `ready[1]`."""
    port = free_port()
    environment = {**os.environ, "TASTEGET_CONTENT": str(content), **(env or {})}
    argv = [str(Path(sys.executable).parent / "tasteget"), "preview", "--port", str(port)]
    server = subprocess.Popen(argv, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(base + ready[0], ready[1], seconds=120), "the preview did not start"
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def content_checkout(folder: Path) -> Path:
    """A copy of the shipped content in `folder`/content, a git checkout of its own with one commit."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    git(content, "init", "-q", "-b", "main")
    git(content, "add", "-A")
    git(content, "-c", "user.name=Setup", "-c", "user.email=setup@example.se", "commit", "-q", "-m", "start")
    return content
