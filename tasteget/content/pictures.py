"""Whether a content photo's file is a picture of the kind its name says, read with Pillow."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image

# What each file ending must hold, as Pillow names the format.
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Pillow refuses more than twice its MAX_IMAGE_PIXELS (a decompression bomb): far beyond a photo.
MAX_MEGAPIXELS = 2 * Image.MAX_IMAGE_PIXELS // 1_000_000


def problem(path: Path) -> str | None:
    """What is wrong with the picture at `path` (as the rest of a sentence after its name), or None."""
    expected = FORMATS.get(path.suffix.lower())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=list(set(FORMATS.values()))) as image:
                found = image.format
                image.verify()
    except Image.DecompressionBombError:
        return f"is too large: give a picture of at most {MAX_MEGAPIXELS} megapixels"
    except (OSError, SyntaxError, ValueError):
        return f"is not a picture that can be read: expected a {expected} file"
    if found != expected:
        return f"is a {found} picture, not {expected}: give the file the ending of its kind"
    return None
