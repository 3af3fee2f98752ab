"""Compressing the intake's own pages, only where it gives nothing away (BREACH).

BREACH: when a response carries a secret beside something the request put there, an attacker who
can make a victim's browser send requests (any page can, to any site) guesses the secret a character
at a time from the compressed length, which a right guess shortens. A form page carries the CSRF
token, and its hidden `utm_*` fields come from the address. Flask-WTF's token cannot help: it is the
session's random token signed with a timestamp (itsdangerous), and the signed value starts with that
token in base64, the same in every response of a session (`tests/web/test_compression.py` measures
it), so a guess of its beginning compresses as well as in any other page. Masking it per response,
as Django does, would mean unmasking it in every form's validation, Flask-WTF's own included.

So the rule here is the other one: a page is compressed only when nothing in it comes from the
request. That is a GET without a query string (no `utm_*`, no search), to a page that is neither
private (the back office, a receipt or a withdrawal link: personal data beside a path the visitor
chose) nor made for this visitor alone (`Cache-Control: no-store`, e.g. a form filled in from the
other form), and not an error answer to a POST (it shows what was typed). The forms reached from
the site's own links, the busiest pages, are compressed; a campaign link's first page is not.
The intake's own files (its scripts and styles, the occupation names) hold no secret and are the
same for everyone: they are always compressed, once per file and version, at the highest level.
The site's files are compressed at build time (`tasteget.site.precompress`) and never reach here.

Not flask-compress: it decides by type and size only, and this rule is the whole point; gzip and
Brotli themselves are one call each.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, current_app, request

from intake.web import headers
from tasteget.site import precompress

MIN_SIZE = 1024  # below this, the headers cost more than is saved
# The same for every visitor and with no secret: the intake's static files, the occupation names.
PUBLIC_FILES = frozenset({"static", "crm.static", "public.occupation_names"})
TEXT_TYPES = frozenset({"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"})

try:
    import brotli
except ImportError:
    brotli = None


def _encoders(gzip_level: int, brotli_quality: int) -> dict:
    found = {"gzip": lambda data: gzip.compress(data, compresslevel=gzip_level, mtime=0)}
    if brotli is not None:
        found = {"br": lambda data: brotli.compress(data, mode=brotli.MODE_TEXT, quality=brotli_quality), **found}
    return found


# Pages: Brotli's quality 5 is nearly as small as 11 for a page of HTML, in about a millisecond.
ENCODERS = _encoders(6, 5)
# Files: compressed once per version and kept, so at the highest level, as the build does the site's.
FILE_ENCODERS = _encoders(9, 11)


def safe_to_compress(response: Response) -> bool:
    """Whether this response may be compressed without a secret's length leaking (see above)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.query_string
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough  # files: the site's own copies, the back office's styles
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and not response.cache_control.no_store
        and not headers.is_private()
    )


def compress(response: Response) -> Response:
    if request.endpoint in PUBLIC_FILES:
        return _compress_file(response)
    if not safe_to_compress(response):
        return response
    response.vary.add("Accept-Encoding")
    encoding = precompress.negotiate(request.headers.get("Accept-Encoding"), ENCODERS)
    data = response.get_data()
    if encoding is None or len(data) < MIN_SIZE:
        return response
    return _encoded(response, encoding, ENCODERS[encoding](data))


def _compress_file(response: Response) -> Response:
    """A public file, compressed once per version (its ETag) and encoding, and kept in memory: the
    intake's files are few and small. Not a 304 (no body) or a range (a range is of the file)."""
    if response.mimetype not in TEXT_TYPES or "Content-Encoding" in response.headers:
        return response
    response.vary.add("Accept-Encoding")
    etag, _weak = response.get_etag()
    encoding = precompress.negotiate(request.headers.get("Accept-Encoding"), FILE_ENCODERS)
    if response.status_code != 200 or encoding is None or not etag or request.range is not None:
        return response
    cache = current_app.extensions.setdefault("compressed_files", {})
    key = (request.path, etag, encoding)
    source = response.response  # the open file, closed here once it is not sent
    if key not in cache:
        response.direct_passthrough = False  # read the file's body here
        data = response.get_data()
        cache[key] = FILE_ENCODERS[encoding](data) if len(data) >= MIN_SIZE else None
    if cache[key] is None:
        return response
    response.headers.pop("Accept-Ranges", None)
    _encoded(response, encoding, cache[key])
    if hasattr(source, "close"):
        source.close()
    return response


def _encoded(response: Response, encoding: str, data: bytes) -> Response:
    response.direct_passthrough = False
    response.set_data(data)
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak)  # another representation, another tag
    return response.make_conditional(request)  # a browser's If-None-Match names this tag


def init_app(app: Flask) -> None:
    app.after_request(compress)
