"""The editor's local backend: Decap CMS's proxy protocol over the checkout's `content/`, for the preview.

Decap's own local backend, `decap-server`, is not used: it writes each file as Decap serialises it
(the communicators' comments, key order and quoting are lost), it cannot check a file against our
schema before writing it, it commits as whatever git user runs it, and it needs Node running beside
the preview. This one runs in the preview's own process and origin: a save is merged into the file
(comments and untouched values kept as written), checked exactly as `tasteget check` checks it, and
refused with the file, line, field and what is expected before anything is written; then it is
committed with the communicator's name.

Mount with `server.set_app(local.mount(server.get_app(), root))`: `/redigera/api/v1` answers Decap
(`backend: {name: proxy, proxy_url: /redigera/api/v1}`), `/redigera/api/check` the editor's preview.
It answers only what `access` lets in. The merge is `merge`'s, the check `precheck`'s, the commit
`commits`' and which files it may touch `paths`'; this module answers Decap's actions with them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from ..content import yamlfile
from ..content.errors import Problem
from . import access, commits, merge, paths, photos, precheck
from .paths import CONTENT, PHOTOS

log = logging.getLogger(__name__)

PREFIX = "/redigera/api/"
DECAP = PREFIX + "v1"
CHECK = PREFIX + "check"
MAX_BODY = photos.MAX_PHOTO * 4 // 3 + 1024 * 1024  # a photo in base64 and the JSON around it
SAVE_REFUSED = "Sparades inte – rätta först"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class Refused(Exception):
    """A request answered with `{"error": message}` and an HTTP status, nothing written."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def app(root: Path, content: Path | None = None) -> WSGIApp:
    """The editor's API for the project at `root` (its `content/` unless `content` is given)."""
    return Backend(Path(root), Path(content) if content else None)


def mount(site: WSGIApp, root: Path, content: Path | None = None) -> WSGIApp:
    """`site` with the editor's API answering under /redigera/api/."""
    editor = app(root, content)

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(PREFIX):
            return editor(environ, start_response)
        return site(environ, start_response)

    return dispatch


class Backend:
    """Decap's proxy protocol (as decap-server's localFs and localGit middlewares answer it) over one
    content folder, every write checked first and committed when the folder is in a git checkout."""

    def __init__(self, root: Path, content: Path | None = None):
        self.root = root.resolve()
        self.content = (content or root / CONTENT).resolve()
        docs = self.root / "docs"
        self.docs_dir = docs if docs.is_dir() else None
        self.author_setting = os.environ.get(commits.AUTHOR_ENV, "").strip()
        # The preview serves each request in a thread of its own; saves and commits go one at a time.
        self.lock = threading.Lock()
        self.actions = {
            "info": self.info,
            "entriesByFolder": self.entries_by_folder,
            "entriesByFiles": self.entries_by_files,
            "getEntry": self.get_entry,
            "persistEntry": self.persist_entry,
            "getMedia": self.get_media,
            "getMediaFile": self.get_media_file,
            "persistMedia": self.persist_media,
            "deleteFile": self.delete_file,
            "deleteFiles": self.delete_files,
            "getDeployPreview": lambda params: None,
        }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        try:
            if refused := access.refusal(request):
                raise Refused(*refused)
            body = self.body(request)
            if request.path == DECAP:
                answer, status = self.decap(body), 200
            elif request.path == CHECK:
                answer, status = self.check_entry(body), 200
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

    def path(self, rel: Any, under: str = CONTENT) -> Path:
        """The file Decap names by `rel` (e.g. content/region.yml), refused unless it is really inside `under`."""
        target = paths.inside(self.content, rel, under)
        if target is None:
            raise Refused(403, f"Sökvägen {json.dumps(rel, ensure_ascii=False)} ligger inte i {under}/.")
        return target

    def rel(self, path: Path) -> str:
        return paths.decap_name(self.content, path)

    def info(self, params: Any) -> dict:
        return {
            "repo": self.root.name,
            "publish_modes": ["simple"],
            "type": "local_git" if commits.in_checkout(self.content) else "local_fs",
        }

    def entry(self, rel: str, label: Any = None) -> dict:
        path = self.path(rel)
        try:
            data = path.read_bytes()
        except OSError:
            return {"data": None, "file": {"path": rel, "label": label, "id": None}}
        return {
            "data": data.decode("utf-8", "replace"),
            "file": {"path": rel, "label": label, "id": hashlib.sha256(data).hexdigest()},
        }

    def entries_by_folder(self, params: dict) -> list:
        folder = self.path(_param(params, "folder", str))
        extension = _param(params, "extension", str)
        depth = _param(params, "depth", int)
        return [self.entry(self.rel(path)) for path in paths.listing(self.content, folder, extension, depth)]

    def entries_by_files(self, params: dict) -> list:
        files = _param(params, "files", list)
        if not all(isinstance(f, dict) for f in files):
            raise Refused(422, "files: väntade en lista med {path, label}.")
        return [self.entry(f.get("path"), f.get("label")) for f in files]

    def get_entry(self, params: dict) -> dict:
        return self.entry(_param(params, "path", str))

    def get_media(self, params: dict) -> list:
        folder = self.path(_param(params, "mediaFolder", str))
        return [photos.media_file(path, self.rel(path)) for path in paths.listing(self.content, folder, "", 1)]

    def get_media_file(self, params: dict) -> dict:
        path = self.path(_param(params, "path", str))
        if not path.is_file():
            raise Refused(404, f"Filen {self.rel(path)} finns inte.")
        return photos.media_file(path, self.rel(path))

    def persist_entry(self, params: dict) -> dict:
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else None)
        if not isinstance(files, list) or not files or not all(isinstance(f, dict) for f in files):
            raise Refused(422, "dataFiles: väntade en lista med {path, raw}.")
        options = _param(params, "options", dict)
        changes: precheck.Changes = {}
        for file in files:
            path = self.text_file(file.get("path"))
            target = self.text_file(file["newPath"]) if file.get("newPath") else path
            if options.get("newEntry") and target.exists():
                raise Refused(422, f"{self.rel(target)} finns redan: välj ett annat namn.")
            changes[target] = self.merged(path, _param(file, "raw", str)).encode("utf-8")
            if target != path:
                changes[path] = None
        for asset in _param(params, "assets", list):
            path, data = self.photo(asset)
            changes[path] = data
        self.save(changes, _message(options))
        return {"message": "entry persisted"}

    def text_file(self, rel: Any) -> Path:
        """A content file the check reads, so that it can be checked before it is written."""
        path = self.path(rel)
        if not paths.editable(self.content, path):
            raise Refused(422, f"{rel}: redigeraren sparar inte den filen (den kontrolleras inte av tasteget check).")
        return path

    def merged(self, path: Path, raw: str) -> str:
        """The file's new text: Decap's values merged into the file as written."""
        try:
            return merge.merged_text(paths.text(path), raw, path.suffix)
        except yamlfile.YamlSyntaxError as exc:
            raise Refused(422, f"{SAVE_REFUSED}: {self.rel(path)}, rad {exc.line}: {exc.message}") from None

    def photo(self, asset: Any) -> tuple[Path, bytes]:
        """A photo Decap uploads: inside content/photos, and a picture the check takes."""
        if not isinstance(asset, dict) or asset.get("encoding") != "base64":
            raise Refused(422, "asset: väntade {path, content, encoding: base64}.")
        path = self.path(asset.get("path"), PHOTOS)
        try:
            data = base64.b64decode(_param(asset, "content", str), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(422, f"{self.rel(path)}: bildens innehåll gick inte att läsa (base64).") from None
        if refused := photos.refusal(path, self.rel(path), data):
            raise Refused(*refused)
        return path, data

    def persist_media(self, params: dict) -> dict:
        path, data = self.photo(_param(params, "asset", dict))
        self.save({path: data}, _message(_param(params, "options", dict)))
        return photos.media_file(path, self.rel(path))

    def delete_file(self, params: dict) -> dict:
        return self.delete([_param(params, "path", str)], _param(params, "options", dict))

    def delete_files(self, params: dict) -> dict:
        rels = _param(params, "paths", list)
        if not rels:
            raise Refused(422, "paths: väntade minst en sökväg.")
        return self.delete(rels, _param(params, "options", dict))

    def delete(self, rels: list, options: dict) -> dict:
        changes: precheck.Changes = {}
        for rel in rels:
            path = self.path(rel, PHOTOS) if str(rel).startswith(PHOTOS + "/") else self.text_file(rel)
            changes[path] = None
            changes.update(dict.fromkeys(paths.companions(path)))
        self.save(changes, _message(options))
        return {"message": f"deleted files {', '.join(map(str, rels))}"}

    def save(self, changes: precheck.Changes, message: str) -> None:
        """Check the content as it would be, then write, then commit: nothing written on a problem."""
        with self.lock:
            in_git = commits.in_checkout(self.content)
            try:
                author = commits.author(self.content, self.author_setting) if in_git else None
            except commits.NoAuthor as exc:
                raise Refused(422, str(exc)) from None
            if problems := precheck.problems(self.content, self.docs_dir, changes):
                raise Refused(422, _refusal(problems))
            for path, data in changes.items():
                paths.write(path, data)
            if author:
                try:
                    commits.commit(self.content, list(changes), message, author)
                except commits.GitFailed as exc:
                    raise Refused(500, str(exc)) from None

    def check_entry(self, body: dict) -> dict:
        """The problems a save of `raw` at `path` would meet, for the editor's preview; nothing written."""
        path = self.text_file(body.get("path"))
        raw = _param(body, "raw", str)
        try:
            text = merge.merged_text(paths.text(path), raw, path.suffix)
        except yamlfile.YamlSyntaxError as exc:
            problems = [Problem(self.rel(path), exc.line, "", exc.message)]
        else:
            with self.lock:
                problems = precheck.problems(self.content, self.docs_dir, {path: text.encode("utf-8")})
        return {
            "problems": [
                {
                    "path": p.path,
                    "line": p.line,
                    "column": getattr(p, "column", None),
                    "field": p.field,
                    "message": p.message,
                }
                for p in problems
            ]
        }

    def decap(self, body: dict) -> Any:
        action = body.get("action")
        handler = self.actions.get(action) if isinstance(action, str) else None
        if handler is None:
            raise Refused(
                422, f"Okänd åtgärd {json.dumps(action, ensure_ascii=False)} (redaktionellt flöde används inte)."
            )
        params = body.get("params")
        if action != "info" and not isinstance(params, dict):
            raise Refused(422, "params: väntade ett JSON-objekt.")
        log.info("Editor: %s", action)
        return handler(params)


def _param(params: dict, name: str, kind: type) -> Any:
    value = params.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = {str: "text", int: "ett heltal", list: "en lista", dict: "ett objekt"}[kind]
        raise Refused(422, f"{name}: väntade {expected}.")
    return value


def _message(options: dict) -> str:
    message = options.get("commitMessage")
    if not isinstance(message, str) or not message.strip():
        raise Refused(422, "options.commitMessage: väntade ett meddelande till git.")
    return message


def _refusal(problems: list[Problem]) -> str:
    """One message naming each problem's file, line, field and what is expected (the first five)."""
    shown = "; ".join(str(p) for p in problems[:5])
    more = f" (och {len(problems) - 5} till)" if len(problems) > 5 else ""
    return f"{SAVE_REFUSED}: {shown}{more}"
