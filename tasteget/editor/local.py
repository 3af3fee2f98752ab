"""The editor's local backend: Decap CMS's proxy protocol over the checkout's `content/`, for the preview.

Decap's own local backend, `decap-server`, is not used: it writes each file as Decap serialises it
(the communicators' comments, key order and quoting are lost), it cannot check a file against our
schema before writing it, it commits as whatever git user runs it, and it needs Node running beside
the preview. This one runs in the preview's own process and origin: a save is merged into the file
(comments and untouched values kept as written), checked exactly as `tasteget check` checks it, and
refused with the file, line, field and what is expected before anything is written; then it is
committed with the communicator's name.

The preview serves it under `PREFIX` (`tasteget.site.preview`): `/redigera/api/v1` answers Decap
(`backend: {name: proxy, proxy_url: /redigera/api/v1}`), `/redigera/api/check` the editor's preview.
This module is the edge: it answers only what `access` lets in, and `actions` does what Decap asks,
with the merge (`merge`), the check before a write (`precheck`), the commit (`commits`) and the
files it may touch (`paths`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from . import access, photos
from .actions import Actions, Refused

log = logging.getLogger(__name__)

PREFIX = "/redigera/api/"
DECAP = PREFIX + "v1"
CHECK = PREFIX + "check"
MAX_BODY = photos.MAX_PHOTO * 4 // 3 + 1024 * 1024  # a photo in base64 and the JSON around it

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def app(root: Path, content: Path | None = None) -> WSGIApp:
    """The editor's API for the project at `root` (its `content/` unless `content` is given)."""
    return Backend(Path(root), Path(content) if content else None)


class Backend:
    """The editor's API as a WSGI application: who may ask, what was asked, the answer as JSON."""

    def __init__(self, root: Path, content: Path | None = None):
        self.actions = Actions(root, content)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        try:
            if refused := access.refusal(request):
                raise Refused(*refused)
            body = self.body(request)
            if request.path == DECAP:
                answer, status = self.actions.answer(body), 200
            elif request.path == CHECK:
                answer, status = self.actions.check_entry(body), 200
            else:
                raise Refused(404, f"Ingen sådan adress i redigeraren: {request.path}")
        except Refused as exc:
            answer, status = {"error": exc.message}, exc.status
        except Exception as exc:  # noqa: BLE001 - the editor shows a message instead of a broken page
            # Only the kind of failure: its text could quote a file's content.
            log.error("The editor's backend failed on %s: %s", request.path, type(exc).__name__)
            answer, status = {"error": "Något gick fel i redigerarens server; se terminalen."}, 500
        response = Response(json.dumps(answer, ensure_ascii=False), status=status, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if status == 405:
            response.headers["Allow"] = "POST"
        return response(environ, start_response)

    def body(self, request: Request) -> dict:
        try:
            data = json.loads(request.get_data(cache=False))
        except RequestEntityTooLarge:
            raise Refused(413, f"För stort: högst {photos.MAX_PHOTO // (1024 * 1024)} MB per bild.") from None
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "Förfrågan var inte giltig JSON.") from None
        if not isinstance(data, dict):
            raise Refused(400, "Förfrågan var inte ett JSON-objekt.")
        return data
