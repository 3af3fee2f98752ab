"""A save committed in the communicator's name, with only the files it wrote.

Plain `git` with explicit arguments: a handful of commands, where GitPython would be a large
dependency for them.
"""

from __future__ import annotations

import email.utils
import logging
import os
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

AUTHOR_ENV = "TASTEGET_EDITOR_AUTHOR"
GIT_TIMEOUT = 30
HOW = f'Ange vem du är: {AUTHOR_ENV}="Förnamn Efternamn <namn@example.se>" eller git config user.name och user.email.'


class NoAuthor(Exception):
    """Nobody to name as the change's author, so nothing may be saved; the message says what to set."""


class GitFailed(Exception):
    """git could not run or refused: the files are written but not committed."""


def in_checkout(folder: Path) -> bool:
    """Whether `folder` is inside a git checkout (and git is installed)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def parse_author(setting: str) -> tuple[str, str]:
    """(name, address) from TASTEGET_EDITOR_AUTHOR's "Namn <e-post>"; raises NoAuthor if it is not that."""
    name, address = email.utils.parseaddr(setting)
    if not name or "@" not in address:
        raise NoAuthor(f'{AUTHOR_ENV} ska vara som "Förnamn Efternamn <namn@example.se>". {HOW}')
    return name, address


def author(folder: Path, setting: str = "") -> tuple[str, str]:
    """The communicator: `setting` (TASTEGET_EDITOR_AUTHOR) if given, else git's user.name and user.email.

    With neither, saving is refused before anything is written (Decap keeps the form as it was):
    a commit must say who changed the site, and a file written but not committed would be a
    change nobody can see in the history.
    """
    if setting:
        return parse_author(setting)
    name = _git(folder, "config", "user.name", check=False).stdout.strip()
    address = _git(folder, "config", "user.email", check=False).stdout.strip()
    if not name or not address:
        raise NoAuthor(f"Sparades inte: git vet inte vem du är, och varje ändring sparas med ditt namn. {HOW}")
    return name, address


def commit(folder: Path, paths: list[Path], message: str, who: tuple[str, str]) -> None:
    """Commit `paths` (written or deleted, inside `folder`) as `who`; whatever else is staged or changed stays out."""
    names = [str(path.relative_to(folder)) for path in paths]
    status = _git(folder, "status", "--porcelain", "-z", "--untracked-files=all", "--", *names)
    if not status.stdout.strip("\0"):
        return  # saved as it was: nothing to commit
    # A file removed that git never had is no pathspec git accepts.
    tracked = set(_git(folder, "ls-files", "-z", "--", *names).stdout.split("\0"))
    names = [name for name, path in zip(names, paths, strict=True) if path.exists() or name in tracked]
    name, address = who
    identity = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": address,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": address,
    }
    _git(folder, "add", "--all", "--", *names)
    # Hooks are a developer's code checks and the content has just passed ours; a signing
    # prompt would hang the preview's request.
    _git(folder, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, "--", *names, env=identity)
    log.info("Committed %s as %s", ", ".join(names), name)


def _git(cwd: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitFailed(f"Filen sparades men git kunde inte köras: {exc}") from None
    if check and done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["okänt fel"])[-1]
        raise GitFailed(f"Filen sparades men kunde inte läggas in i git: {reason}")
    return done
