"""What `tasteget check` would say of the content with a save made, found before anything is written."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from ..content.errors import Problem
from ..content.load import check
from . import paths

Changes = dict[Path, bytes | None]  # each file's new bytes, None for a file deleted


def problems(content: Path, docs_dir: Path | None, changes: Changes) -> list[Problem]:
    """Every error in a changed file, and errors elsewhere that the change makes (those already there
    do not block it), each file named as Decap names it."""
    after = _check_with(content, docs_dir, changes)
    changed = {paths.decap_name(content, path) for path in changes}
    blocking = [p for p in after if p.path in changed]
    others = [p for p in after if p.path not in changed]
    if others:
        before = set(_check_with(content, docs_dir, {}))
        blocking += [p for p in others if p not in before]
    return sorted(blocking)


def _check_with(content: Path, docs_dir: Path | None, changes: Changes) -> list[Problem]:
    """The check's errors, run on a copy of the content with `changes` made (files linked, not copied)."""
    with tempfile.TemporaryDirectory(prefix="tasteget-editor-") as folder:
        mirror = Path(folder).resolve() / paths.CONTENT
        for path in [content, *paths.listing(content, content, "", 100), *paths.folders(content)]:
            copy = mirror / path.relative_to(content)
            if path.is_dir():
                copy.mkdir(parents=True, exist_ok=True)
            elif path not in changes:
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.symlink_to(path)
        for path, data in changes.items():
            if data is not None:
                copy = mirror / path.relative_to(content)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(data)
        report = check(mirror, docs_dir)
        return [_named(problem, content, mirror) for problem in report.errors]


def _named(problem: Problem, content: Path, mirror: Path) -> Problem:
    """The problem with its file named as Decap names it (content/...), wherever the check ran."""
    path = Path(problem.path)
    path = path if path.is_absolute() else Path.cwd() / path
    for base in (mirror, content):
        if path.is_relative_to(base):
            return dataclasses.replace(problem, path=paths.decap_name(base, path))
    return problem
