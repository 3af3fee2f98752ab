"""Helpers shared by the tests: the project root and the real command line."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
        [sys.executable, "-m", "intake", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):  # OSError: refused, reset, or timed out while a worker boots
        return ""


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


def load_example_receiver():
    """examples/webhook_receiver.py, the receiving side's documented example, as a module."""
    spec = importlib.util.spec_from_file_location("webhook_receiver", ROOT / "examples" / "webhook_receiver.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
