"""The build's gzip and Brotli copies of the site's text files, and which one a request gets."""

from __future__ import annotations

import gzip
import logging
import os

import brotli
import pytest

from tasteget.site import precompress
from tasteget.site.shell import SHELL_DIR

PAGE = b"<html><body>" + b"<p>Flytta till Jamtland</p>" * 200 + b"</body></html>"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate, br", "br"),  # the order a client lists them in is not a preference
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("BR; Q=1.0", "br"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("deflate", None),
        ("", None),
        (None, None),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_a_request_gets_the_best_copy_it_accepts(header, expected):
    assert precompress.negotiate(header, {"br", "gzip"}) == expected


def test_only_copies_that_exist_are_chosen():
    assert precompress.negotiate("br, gzip", {"gzip"}) == "gzip"
    assert precompress.negotiate("br", {"gzip"}) is None
    assert precompress.negotiate("br, gzip", set()) is None


def test_copies_are_smaller_decode_to_the_file_and_carry_its_time(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(PAGE)
    os.utime(page, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    sizes = precompress.compress_file(page, precompress.encoders())
    assert set(sizes) == {"br", "gzip"}
    gz, br = tmp_path / "index.html.gz", tmp_path / "index.html.br"
    assert gzip.decompress(gz.read_bytes()) == PAGE and brotli.decompress(br.read_bytes()) == PAGE
    assert gz.stat().st_size < len(PAGE) and br.stat().st_size < gz.stat().st_size
    assert gz.stat().st_mtime_ns == br.stat().st_mtime_ns == page.stat().st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "index.html.br", "index.html.gz"]


def test_no_copy_that_is_not_smaller_and_an_old_one_is_removed(tmp_path):
    tiny = tmp_path / "robots.txt"
    tiny.write_bytes(PAGE)
    precompress.compress_file(tiny, precompress.encoders())
    tiny.write_bytes(b"x")  # rebuilt, now too small to gain anything
    assert precompress.compress_file(tiny, precompress.encoders()) == {}
    assert [p.name for p in tmp_path.iterdir()] == ["robots.txt"]


def test_the_site_gets_copies_of_its_text_files_only(tmp_path):
    site = tmp_path / "site"
    for name in (
        "index.html",
        "en/index.html",
        "assets/app.js",
        "assets/app.css",
        "search/search_index.json",
        "sitemap.xml",
        "logo.svg",
        "site.webmanifest",
        f"{SHELL_DIR}/index.html",
    ):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(PAGE)
    for name in ("photo.avif", "photo.webp", "photo.jpg", "icon.png", "font.woff2", "app.js.map"):
        (site / name).write_bytes(PAGE)
    written = precompress.compress_site(site)
    assert (written.files, written.copies) == (8, 16)
    assert written.smallest_bytes < written.original_bytes / 10
    copies = sorted(str(p.relative_to(site)) for p in site.rglob("*.gz"))
    assert copies == sorted(
        [
            "index.html.gz",
            "en/index.html.gz",
            "assets/app.js.gz",
            "assets/app.css.gz",
            "search/search_index.json.gz",
            "sitemap.xml.gz",
            "logo.svg.gz",
            "site.webmanifest.gz",
        ]
    )
    assert not list((site / SHELL_DIR).glob("*.br"))  # the page shell is never served


def test_the_cache_gives_the_same_copies_and_forgets_what_is_gone(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    (site / "a.html").write_bytes(PAGE)
    (site / "b.html").write_bytes(PAGE + b"<!-- b -->")
    precompress.compress_site(site, cache)
    first = {p.name: p.read_bytes() for p in site.iterdir()}
    assert len(list(cache.iterdir())) == 4
    (site / "b.html").unlink()
    for copy in site.glob("*.*.*"):
        copy.unlink()
    precompress.compress_site(site, cache)
    assert {p.name: p.read_bytes() for p in site.iterdir()} == {k: v for k, v in first.items() if k.startswith("a.")}
    assert len(list(cache.iterdir())) == 2


def test_without_brotli_the_site_gets_gzip_copies_and_one_line_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(precompress, "brotli", None)
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "app.js").write_bytes(PAGE)
    with caplog.at_level(logging.INFO, logger="mkdocs.tasteget"):
        written = precompress.compress_site(tmp_path)
    assert written.copies == 2 and not list(tmp_path.glob("*.br"))
    assert [r.getMessage() for r in caplog.records] == [
        "Brotli is not installed: the site gets gzip copies only (pip install Brotli)."
    ]


def test_the_build_writes_the_copies(built_site):
    for name in ("index.html", "en/index.html", "search/search_index.json", "sitemap.xml", "en/404.html"):
        page = built_site / name
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
            copy = precompress.copy_path(page, encoding)
            assert decode(copy.read_bytes()) == page.read_bytes(), copy
            assert copy.stat().st_mtime_ns == page.stat().st_mtime_ns
    assert list(built_site.glob("assets/stylesheets/*.css.br")) and list(built_site.glob("assets/javascripts/*.js.br"))
    assert not [
        p
        for p in built_site.rglob("*")
        if p.suffix in (".gz", ".br") and p.stem.endswith((".png", ".webp", ".avif", ".jpg"))
    ]
