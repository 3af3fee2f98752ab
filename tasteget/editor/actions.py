"""Decap's proxy-protocol actions (as decap-server's localFs and localGit middlewares answer them) over one
content folder: every write merged into the file, checked first, and committed when the folder is in git."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from ..content import swedish, yamlfile
from ..content.errors import Problem
from . import commits, merge, paths, photos, precheck
from .paths import CONTENT, PHOTOS

log = logging.getLogger(__name__)

SAVE_REFUSED = "Sparades inte – rätta först"


class Refused(Exception):
    """A request answered with `{"error": message}` and an HTTP status, nothing written."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Actions:
    """Decap's actions over the content folder of the project at `root` (or `content`)."""

    def __init__(self, root: Path, content: Path | None = None):
        self.root = root.resolve()
        self.content = (content or root / CONTENT).resolve()
        docs = self.root / "docs"
        self.docs_dir = docs if docs.is_dir() else None
        self.author_setting = os.environ.get(commits.AUTHOR_ENV, "").strip()
        # The preview serves each request in a thread of its own; saves and commits go one at a time.
        self.lock = threading.Lock()
        self.handlers = {
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
        raw = merge.dates_as_saved(_param(body, "raw", str), paths.model_of(self.content, path))
        try:
            text = merge.merged_text(paths.text(path), raw, path.suffix)
        except yamlfile.YamlSyntaxError as exc:
            problems = [Problem(self.rel(path), exc.line, exc.field, exc.message, exc.column, exc.message_sv)]
        else:
            with self.lock:
                problems = precheck.problems(self.content, self.docs_dir, {path: text.encode("utf-8")})
        return {
            "problems": [
                # The editor speaks Swedish: the message in Swedish where it has a wording, else English.
                {
                    "path": p.path,
                    "line": p.line,
                    "column": p.column or None,
                    "field": p.field,
                    "message": swedish.message(p),
                }
                for p in problems
            ]
        }

    def answer(self, body: dict) -> Any:
        """What Decap's request `{action, params}` is answered with."""
        action = body.get("action")
        handler = self.handlers.get(action) if isinstance(action, str) else None
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
    shown = "; ".join(swedish.in_swedish(p) for p in problems[:5])
    more = f" (och {len(problems) - 5} till)" if len(problems) > 5 else ""
    return f"{SAVE_REFUSED}: {shown}{more}"
