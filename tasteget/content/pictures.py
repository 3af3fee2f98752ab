"""Whether a content photo's file is a picture of the kind its name says, read with Pillow.

Pillow is imported when a photo is checked, so content without photos (and the commands and the
intake that load it) never pays for it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

# What each file ending must hold, as Pillow names the format.
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Narrower than this, a photo the width of the page's column looks soft on a sharp screen (2x).
SHARP_WIDTH = 1200
ORIENTATION = 0x0112  # the EXIF tag; 5 to 8 mean the picture is stored on its side


def problem(path: Path) -> tuple[str, str] | None:
    """What is wrong with the picture at `path` (as the rest of a sentence after its name), in English
    and Swedish, or None."""
    from PIL import Image

    expected = FORMATS.get(path.suffix.lower())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=list(set(FORMATS.values()))) as image:
                found = image.format
                image.verify()
    except Image.DecompressionBombError:
        # Pillow refuses more than twice its MAX_IMAGE_PIXELS (a decompression bomb): far beyond a photo.
        most = 2 * Image.MAX_IMAGE_PIXELS // 1_000_000
        return (
            f"is too large: give a picture of at most {most} megapixels",
            f"är för stor: ge en bild på högst {most} megapixlar",
        )
    except (OSError, SyntaxError, ValueError):
        return (
            f"is not a picture that can be read: expected a {expected} file",
            f"är inte en bild som går att läsa: här ska det vara en {expected}-fil",
        )
    if found != expected:
        return (
            f"is a {found} picture, not {expected}: give the file the ending of its kind",
            f"är en {found}-bild, inte {expected}: ge filen den ändelse som hör till dess sort",
        )
    return None


def width(path: Path) -> int:
    """The picture's width as shown (turned upright), read from its header only."""
    from PIL import Image

    with Image.open(path) as image:
        turned = image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        return image.height if turned else image.width
