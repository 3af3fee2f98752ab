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
The site's files are compressed at build time (`tasteget.site.precompress`) and never reach here.

Not flask-compress: it decides by type and size only, and this rule is the whole point; gzip and
Brotli themselves are one call each.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

from intake.web import headers
from tasteget.site import precompress

MIN_SIZE = 1024  # below this, the headers cost more than is saved

try:
    import brotli
except ImportError:
    brotli = None


def _encoders() -> dict:
    found = {"gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0)}
    if brotli is not None:
        # Quality 5: nearly as small as 11 for a page of HTML, in about a millisecond.
        found = {"br": lambda data: brotli.compress(data, mode=brotli.MODE_TEXT, quality=5), **found}
    return found


ENCODERS = _encoders()


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
    if not safe_to_compress(response):
        return response
    response.vary.add("Accept-Encoding")
    encoding = precompress.negotiate(request.headers.get("Accept-Encoding"), ENCODERS)
    data = response.get_data()
    if encoding is None or len(data) < MIN_SIZE:
        return response
    response.set_data(ENCODERS[encoding](data))
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
