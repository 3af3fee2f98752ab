"""`tasteget serve` sends the build's gzip and Brotli copies of the site's files, as nginx's
gzip_static and brotli_static do: the client's choice, the file's type, conditional and Range
requests as for the file itself."""

from __future__ import annotations

import gzip
import shutil

import brotli
import pytest
import requests

from tasteget.site import precompress

from tests.support.helpers import serving

HOME = "/"
SEARCH = "/search/search_index.json"


def file_of(site, path: str):
    return site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", None), (None, None)],
)
@pytest.mark.parametrize("path", [HOME, "/en/", SEARCH, "/sitemap.xml"])
def test_the_copy_the_client_accepts_is_sent(client, built_site, path, accept, encoding):
    plain = client.get(buffered=True, path=path)
    response = client.get(path, buffered=True, headers={"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert response.headers["Content-Type"] == plain.headers["Content-Type"]
    assert response.headers["Content-Disposition"] == plain.headers["Content-Disposition"]  # the file's name
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding]
    assert decode(body) == file_of(built_site, path).read_bytes()
    if encoding:
        assert len(body) < len(plain.get_data()) / 2
        assert response.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]


def test_conditional_requests_work_on_each_copy(client):
    first = client.get(buffered=True, path=HOME, headers={"Accept-Encoding": "br"})
    plain = client.get(buffered=True, path=HOME)
    assert first.headers["ETag"] != plain.headers["ETag"]  # two representations, two tags
    again = client.get(
        buffered=True, path=HOME, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.get_data()
    assert again.headers["ETag"] == first.headers["ETag"] and "Accept-Encoding" in again.headers["Vary"]
    since = client.get(
        buffered=True,
        path=HOME,
        headers={"Accept-Encoding": "gzip", "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    other = client.get(
        buffered=True, path=HOME, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert other.status_code == 200 and other.headers["Content-Encoding"] == "gzip"


def test_a_range_is_of_the_file_itself(client, built_site):
    response = client.get(buffered=True, path=SEARCH, headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"})
    assert response.status_code == 206 and "Content-Encoding" not in response.headers
    assert response.get_data() == file_of(built_site, SEARCH).read_bytes()[:100]
    whole = client.get(buffered=True, path=SEARCH, headers={"Accept-Encoding": "br"})
    assert "Accept-Ranges" not in whole.headers  # no ranges of the compressed bytes


def test_images_are_sent_as_they_are(client, built_site):
    image = next(p for p in built_site.rglob("*") if p.suffix in (".png", ".webp", ".avif"))
    response = client.get(
        buffered=True, path="/" + str(image.relative_to(built_site)), headers={"Accept-Encoding": "br, gzip"}
    )
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.get_data() == image.read_bytes()


def test_a_copy_left_from_another_build_is_never_sent(app, built_site, tmp_path):
    site = shutil.copytree(built_site, tmp_path / "site")
    page = site / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- rebuilt --></body>"))  # a newer file
    app.config["SITE_DIR"] = str(site)
    client = app.test_client()
    response = client.get(buffered=True, path=HOME, headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers and b"rebuilt" in response.get_data()
    precompress.compress_file(page, precompress.encoders())
    response = client.get(buffered=True, path=HOME, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br" and b"rebuilt" in brotli.decompress(response.get_data())


def test_tasteget_serve_sends_them_over_the_network(tmp_path, built_site):
    """A real server and a real HTTP client, which decodes what it is sent."""
    with serving(tmp_path, built_site, "--no-worker") as server:
        base = server.base
        for path, encoding in ((HOME, "br"), (SEARCH, "br"), ("/en/", "br")):
            response = requests.get(base + path, headers={"Accept-Encoding": "br, gzip"}, stream=True)
            sent = response.raw.read(decode_content=False)  # the bytes on the wire
            assert response.headers["Content-Encoding"] == encoding
            assert brotli.decompress(sent) == file_of(built_site, path).read_bytes()
            assert len(sent) == int(response.headers["Content-Length"])
        response = requests.get(base + "/en/", headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.content == file_of(built_site, "/en/").read_bytes()  # decoded by requests
        response = requests.get(base + "/en/", headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in response.headers
        assert response.content == file_of(built_site, "/en/").read_bytes()
        # The intake's own form page, compressed too (it reflects nothing from the request).
        response = requests.get(base + "/registrera/", headers={"Accept-Encoding": "br, gzip"})
        assert response.headers["Content-Encoding"] == "br" and "csrf_token" in response.text
