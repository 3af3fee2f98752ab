"""Helpers shared by the tests: the project root and the real command line, in this process or in its own."""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from intake import cli as intake_cli

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    """What a run of the command line left: its exit code and what it wrote, as a process would show them."""

    returncode: int
    stdout: str
    stderr: str


def tasteget(*args: str, cwd: Path = ROOT, content: Path | None = None, env: dict | None = None) -> Ran:
    """Run the real `tasteget` command line in this process (Click's test runner), as a script would.

    `env` is set in os.environ for the run only. What a run leaves in the process is put back
    afterwards, as a process's end would: the log handlers and levels it set, the rate limiter it
    pointed at its own app's storage, the database connections of the apps it made. An exception that
    escapes the command is written to stderr as a traceback, as Python would, and exits 1.
    """
    import intake

    changes = {**(env or {}), "TASTEGET_CONTENT": None if content is None else str(content)}
    made = []
    create_app = intake.create_app

    def recording(*args, **kwargs):
        app = create_app(*args, **kwargs)
        made.append(app)
        return app

    loggers = {logger: _log_state(logger) for logger in _loggers()}
    abuse = sys.modules.get("intake.public.abuse")  # its limiter is the process's, set up by each app
    limiter = dict(vars(abuse.limiter)) if abuse else None
    intake.create_app = recording
    try:
        with contextlib.chdir(cwd):
            result = CliRunner().invoke(intake_cli.main, list(args), env=changes, prog_name="tasteget")
    finally:
        intake.create_app = create_app
        for app in made:
            if "db_engine" in app.extensions:
                app.extensions["db_engine"].dispose()
        for logger in _loggers():
            handlers, level, propagate, disabled = loggers.get(logger, ([], logging.NOTSET, True, False))
            logger.handlers[:], logger.propagate, logger.disabled = handlers, propagate, disabled
            logger.setLevel(level)
        if limiter is not None:
            vars(abuse.limiter).update(limiter)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return Ran(result.exit_code, result.stdout, stderr)


def _loggers() -> list[logging.Logger]:
    return [
        logging.getLogger(),
        *(x for x in logging.root.manager.loggerDict.values() if isinstance(x, logging.Logger)),
    ]


def _log_state(logger: logging.Logger) -> tuple:
    return logger.handlers[:], logger.level, logger.propagate, logger.disabled


def tasteget_process(
    *args: str, cwd: Path = ROOT, content: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `tasteget` command line in a fresh process: where the process itself is the point
    (a server, signals, its real exit, the installed script)."""
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


@dataclass
class Served:
    """A running `tasteget serve`: its address, and what it logged once it has stopped."""

    base: str
    process: subprocess.Popen
    log: str = ""


@contextlib.contextmanager
def serving(tmp_path: Path, site_dir: Path, *args: str, env: dict | None = None, keep_log: bool = False):
    """Run the real `tasteget serve` on a free port over `site_dir`, with its own SQLite file and mail
    folder under `tmp_path`, until the block ends; with `keep_log` its stderr is kept in `.log`."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}",
        "SECRET_KEY": "x",
        "SITE_DIR": str(site_dir),
        "MAIL_DIR": str(tmp_path / "mail"),
        **(env or {}),
    }
    environment = {name: value for name, value in environment.items() if value is not None}  # None unsets
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if keep_log else subprocess.DEVNULL,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        assert wait_for(f"{served.base}/healthz", '"status":"ok"', seconds=30), "tasteget serve did not start"
        yield served
    finally:
        process.terminate()
        _, log = process.communicate(timeout=10)
        served.log = log or ""
