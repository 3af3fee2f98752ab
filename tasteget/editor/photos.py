"""Photos in Decap's media library: an upload taken only as the check takes pictures, a photo as Decap lists it."""

from __future__ import annotations

import base64
import hashlib
import tempfile
from pathlib import Path

from ..content import pictures

MAX_PHOTO = 20 * 1024 * 1024


def refusal(path: Path, name: str, data: bytes) -> tuple[int, str] | None:
    """The HTTP status and message the upload of `data` to `path` (Decap's `name` for it) is refused with, if any."""
    if path.suffix.lower() not in pictures.FORMATS:
        return 422, f"{name}: en bild ska vara JPEG, PNG eller WebP (.jpg, .png, .webp)."
    if len(data) > MAX_PHOTO:
        return 413, f"{name}: för stor: högst {MAX_PHOTO // (1024 * 1024)} MB per bild."
    with tempfile.TemporaryDirectory(prefix="tasteget-photo-") as folder:
        probe = Path(folder) / f"upload{path.suffix.lower()}"
        probe.write_bytes(data)
        problem = pictures.problem(probe)
    return (422, f'{name}: "{path.name}" {problem}') if problem else None


def media_file(path: Path, name: str) -> dict:
    """The photo at `path` as Decap's media library expects it, `name` being Decap's name for it."""
    data = path.read_bytes()
    return {
        "id": hashlib.sha256(data).hexdigest(),
        "content": base64.b64encode(data).decode("ascii"),
        "encoding": "base64",
        "path": name,
        "name": path.name,
    }
