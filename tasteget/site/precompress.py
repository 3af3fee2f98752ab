"""Pre-compressed copies of the built site's text files, for the web server to send as they are.

`tasteget build` writes `page.html.gz` (gzip at its highest level) and `page.html.br` (Brotli at its
highest quality, when the Brotli library is installed) beside each page and text asset, for nginx's
`gzip_static`/`brotli_static` and for `tasteget serve`. A copy is written only when it is smaller
than the file, and it gets the file's modification time: nginx's `gzip_static` sends that time as
the copy's `Last-Modified`, and the intake sends a copy only while its time is the file's, so a copy
left from an older build is never sent for a newer file. Images and fonts are compressed already.

The choice of encoding for a request (`negotiate`) lives here too, beside the names of the copies.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    import brotli
except ImportError:  # an optional speed-up: without it the build writes gzip copies only
    brotli = None

log = logging.getLogger("mkdocs.tasteget")

# The files worth compressing: text. Not images (AVIF, WebP, JPEG, PNG), fonts (woff2), or archives,
# nor the theme's source maps (`.map`: only a developer's tools fetch them, and they are the most work).
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".webmanifest", ".ics"})
# Encoding name in Accept-Encoding / Content-Encoding -> the copy's suffix, in order of preference.
SUFFIXES = {"br": ".br", "gzip": ".gz"}
SKIP_DIRS = frozenset({"_shell"})  # the page shell: read by the intake, never served


def _gzip(data: bytes) -> bytes:
    # mtime=0: the same file gives the same copy, whenever it is built.
    return gzip.compress(data, compresslevel=9, mtime=0)


def _brotli(data: bytes) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=11)


def encoders(with_brotli: bool = True) -> dict[str, Callable[[bytes], bytes]]:
    """The encodings this build can write: gzip always, Brotli when its library is installed."""
    found = {"gzip": _gzip}
    if with_brotli and brotli is not None:
        found = {"br": _brotli, **found}
    return found


def is_text(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def copy_path(path: Path, encoding: str) -> Path:
    return path.with_name(path.name + SUFFIXES[encoding])


@dataclass
class Written:
    files: int = 0  # text files looked at
    copies: int = 0  # copies written
    original_bytes: int = 0
    smallest_bytes: int = 0  # each file's smallest form (itself, if no copy is smaller)


def _write(target: Path, data: bytes, mtime_ns: int | None = None) -> None:
    """A reader sees the old file or the new one, never half of one."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_bytes(data)
    if mtime_ns is not None:
        os.utime(partial, ns=(mtime_ns, mtime_ns))
    os.replace(partial, target)


def _encoded(data: bytes, encoding: str, encode: Callable[[bytes], bytes], cache_dir: Path | None, used: set) -> bytes:
    """`encode(data)`, from the cache when an earlier build compressed the same bytes (the theme's
    scripts and styles, unchanged pages: Brotli's highest quality takes seconds for the whole site)."""
    if cache_dir is None:
        return encode(data)
    name = hashlib.sha256(data).hexdigest() + SUFFIXES[encoding]
    used.add(name)
    try:
        return (cache_dir / name).read_bytes()
    except FileNotFoundError:
        packed = encode(data)
        _write(cache_dir / name, packed)
        return packed


def compress_file(
    path: Path, codecs: dict[str, Callable[[bytes], bytes]], cache_dir: Path | None = None, used: set | None = None
) -> dict[str, int]:
    """Write each encoding's copy beside `path` when it is smaller; remove a copy that is not (one
    left from an older build). Returns the size of each copy written."""
    data = path.read_bytes()
    st = path.stat()
    sizes = {}
    for encoding, encode in codecs.items():
        target = copy_path(path, encoding)
        packed = _encoded(data, encoding, encode, cache_dir, set() if used is None else used)
        if len(packed) >= len(data):
            target.unlink(missing_ok=True)
            continue
        _write(target, packed, st.st_mtime_ns)
        sizes[encoding] = len(packed)
    return sizes


def text_files(site_dir: Path) -> Iterable[Path]:
    for folder, dirs, names in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            path = Path(folder, name)
            if is_text(path) and not name.startswith("."):
                yield path


def compress_site(site_dir: Path, cache_dir: Path | None = None, with_brotli: bool = True) -> Written:
    """Write the copies for every text file of the built site; with `cache_dir`, keep this build's
    compressed bytes there for the next build (and drop what this build no longer has)."""
    codecs = encoders(with_brotli)
    used: set[str] = set()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    if with_brotli and "br" not in codecs:
        log.warning("Brotli is not installed: the site gets gzip copies only (pip install Brotli).")
    written = Written()
    for path in text_files(site_dir):
        size = path.stat().st_size
        sizes = compress_file(path, codecs, cache_dir, used)
        written.files += 1
        written.copies += len(sizes)
        written.original_bytes += size
        written.smallest_bytes += min([size, *sizes.values()])
    if cache_dir is not None:
        for entry in cache_dir.iterdir():
            if entry.name not in used:
                entry.unlink(missing_ok=True)
    return written


def accepted(header: str | None) -> dict[str, float]:
    """Accept-Encoding's codings and their q-values (RFC 9110 12.5.3); `*` stands for any other."""
    found: dict[str, float] = {}
    for item in (header or "").split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0  # unreadable: not acceptable
        found[name.lower()] = q
    return found


def negotiate(header: str | None, available: Iterable[str]) -> str | None:
    """Which of the `available` copies to send: the client's highest q, Brotli before gzip at equal
    q; None (the file itself) when the client accepts neither, or sent no Accept-Encoding."""
    codings = accepted(header)
    best, best_q = None, 0.0
    for encoding in SUFFIXES:  # br, then gzip: a tie keeps the first
        if encoding not in available:
            continue
        q = codings.get(encoding, codings.get("x-gzip") if encoding == "gzip" else None)
        if q is None:
            q = codings.get("*", 0.0)
        if q > best_q:
            best, best_q = encoding, q
    return best
