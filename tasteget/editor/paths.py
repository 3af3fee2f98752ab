"""The content's files as the editor sees them: which it may touch, how Decap names them, writing one whole."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from ..content import fields

CONTENT = "content"  # Decap's paths start with the content folder's name, as in the checkout
PHOTOS = "content/photos"


def _pattern(path: str) -> str:
    """A file type of the field reference as a pattern: `content/events/<slug>.yml` -> `events/[^/]+\\.ya?ml`
    (the check reads .yaml too)."""
    rel = re.escape(path.removeprefix(f"{CONTENT}/"))
    return re.sub(r"<[^>]+>", "[^/]+", rel).replace(r"\.yml", r"\.ya?ml")


# The files `tasteget check` reads, so that every text the editor writes is checked first: each file
# type of the field reference (the one list the check, the reference and the editor's collections
# share) and the municipalities' long texts; the generated reference and the folders' READMEs are not.
EDITABLE = re.compile("|".join([*(_pattern(path) for path, _, _ in fields.FILES), r"municipalities/[^/]+\.md"]))


def inside(content: Path, rel: Any, under: str = CONTENT) -> Path | None:
    """The file Decap names by `rel` (e.g. content/region.yml) in `content`, None unless it is really inside `under`."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel or re.match(r"[A-Za-z]:", rel):
        return None
    pure = PurePosixPath(rel)
    base = PurePosixPath(under).parts
    if pure.is_absolute() or ".." in pure.parts or pure.parts[: len(base)] != base:
        return None
    target = content.joinpath(*pure.parts[1:])
    # A symlink, at the file or any folder above it, must not lead out of the folder.
    real, folder = _real(target), _real(content.joinpath(*base[1:]))
    if not (real.is_relative_to(folder) and real.is_relative_to(content)):
        return None
    return target


def model_of(content: Path, path: Path) -> type | None:
    """The schema's model of the file at `path` (None for a municipality's long text)."""
    rel = path.relative_to(content).as_posix()
    return next((model for pattern, model, _ in fields.FILES if re.fullmatch(_pattern(pattern), rel)), None)


def editable(content: Path, path: Path) -> bool:
    """Whether `path` is a text `tasteget check` reads, so that it can be checked before it is written."""
    return bool(EDITABLE.fullmatch(path.relative_to(content).as_posix()))


def decap_name(content: Path, path: Path) -> str:
    """The file as Decap names it: content/..., wherever the content folder is."""
    return str(PurePosixPath(CONTENT, *path.relative_to(content).parts))


def listing(content: Path, folder: Path, extension: str, depth: int) -> list[Path]:
    """The files under `folder` ending in `extension`, `depth` folders deep, links out of `content` left out."""
    if depth <= 0 or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.resolve().is_relative_to(content):
            continue
        if path.is_dir():
            found += listing(content, path, extension, depth - 1)
        elif path.name.endswith(extension):
            found.append(path)
    return found


def folders(root: Path) -> list[Path]:
    """`root` and every folder under it, hidden ones left out."""
    return [Path(dirpath) for dirpath, _, _ in os.walk(root) if not Path(dirpath).name.startswith(".")]


def companions(path: Path) -> list[Path]:
    """A municipality's body texts (<slug>.md, <slug>.en.md), which go with its file: alone they are an error."""
    if path.suffix not in (".yml", ".yaml"):
        return []
    pattern = rf"{re.escape(path.stem)}(\.[a-z]{{2}})?\.md"
    return sorted(body for body in path.parent.glob("*.md") if re.fullmatch(pattern, body.name))


def text(path: Path) -> str | None:
    """The file's text, None for a file not written yet."""
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write(path: Path, data: bytes | None) -> None:
    """Write the whole file or none of it (a preview rebuild may read it meanwhile); None deletes it."""
    if data is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            # mkstemp makes the file private; content is readable like any file in the checkout.
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _real(path: Path) -> Path:
    """Where `path` really is: its symlinks followed as far as it exists (a file to be written may not)."""
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    return existing.resolve() / path.relative_to(existing)
