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

It writes files on a request over HTTP, so it answers only a POST of JSON from this computer, sent to
its own loopback address (no other name: stops DNS rebinding) from a page of its own origin (stops
other web pages from using a communicator's browser to write).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import difflib
import email.utils
import glob
import hashlib
import io
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from ..content import pictures, yamlfile
from ..content.errors import Problem
from ..content.load import FRONT_MATTER, check

log = logging.getLogger(__name__)

PREFIX = "/redigera/api/"
DECAP = PREFIX + "v1"
CHECK = PREFIX + "check"
CONTENT = "content"  # Decap's paths start with the content folder's name, as in the checkout
PHOTOS = "content/photos"
# The files `tasteget check` reads (content/load.py), so that every text the editor writes is checked
# first; the generated field reference and the folders' READMEs are not among them.
EDITABLE = re.compile(
    r"region\.yml|municipalities/[^/]+\.(?:ya?ml|md)|(?:stories|messages)/[^/]+\.ya?ml|pages/[^/]+\.md"
)
MAX_PHOTO = 20 * 1024 * 1024
MAX_BODY = MAX_PHOTO * 4 // 3 + 1024 * 1024  # a photo in base64 and the JSON around it
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
AUTHOR_ENV = "TASTEGET_EDITOR_AUTHOR"
FLOW_WIDTH = 60  # a new list of words longer than this gets a line per item
FOLD_WIDTH = 96  # a folded text (>-) is rewrapped at about the width communicators' files use
GIT_TIMEOUT = 30
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


# Merging Decap's YAML into the file as written -------------------------------------------------------


def _yaml(mapping: int = 2, offset: int = 2) -> YAML:
    """YAML 1.2 round trip in the content's conventions: unicode as is, one line per value."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


def _indents(text: str) -> tuple[int, int]:
    """The file's mapping indent and how far its list dashes sit in from their key (2 and 2 in content)."""
    mapping, offset = 2, 2
    if found := re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)[^\s#-]", text, re.M):
        mapping = len(found.group(2)) - len(found.group(1))
    if found := re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, re.M):
        offset = len(found.group(2)) - len(found.group(1))
    return (mapping if mapping > 0 else 2), (offset if offset >= 0 else 2)


def _dump(node: Any, like: str = "") -> str:
    if node is None or node == {}:
        return ""
    out = io.StringIO()
    _yaml(*_indents(like)).dump(node, out)
    return out.getvalue()


def _plain(node: Any) -> Any:
    """A round-trip node as the plain data Decap sends (what `yamlfile.parse` gives)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.date) and not isinstance(node, dt.datetime):
        return dt.date(node.year, node.month, node.day)
    return node


def _empty(value: Any) -> bool:
    """What Decap sends for a field left blank; the file leaves such a field out, as a person would."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value is None or value == ""


def _plain_allowed(text: str, flow: bool) -> bool:
    """Whether YAML 1.2 reads `text` back as this very text when written without quotes here."""
    tag = YAML(typ="rt").resolver.resolve(ScalarNode, text, (True, False))
    if tag != "tag:yaml.org,2002:str":
        return False
    analysis = Emitter(io.StringIO(), allow_unicode=True).analyze_scalar(text)
    return analysis.allow_flow_plain if flow else analysis.allow_block_plain


def _folded(text: str) -> FoldedScalarString:
    """`text` as a folded block (>-) wrapped at single spaces, as communicators' files are."""
    positions, start = [], 0
    while len(text) - start > FOLD_WIDTH:
        cut = text.rfind(" ", start, start + FOLD_WIDTH + 1)
        while cut > start and (text[cut - 1] == " " or text[cut + 1 : cut + 2] == " "):
            cut = text.rfind(" ", start, cut)
        if cut <= start:
            break
        positions.append(cut)
        start = cut + 1
    out = FoldedScalarString(text)
    out.fold_pos = positions
    return out


def _text(new: str, old: Any, flow: bool) -> Any:
    """The new text, written in the style the old value had where that still fits."""
    if "\n" in new.rstrip("\n"):
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString) and new == new.strip() and "  " not in new and not flow:
        return _folded(new)
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(new)
    # Text YAML would read as something else ("2221" as a number) keeps its quotes, as content writes it.
    return new if _plain_allowed(new, flow) else DoubleQuotedScalarString(new)


def _node(value: Any, flow: bool = False) -> Any:
    """A new value as a round-trip node, blank fields left out."""
    if isinstance(value, dict):
        node = CommentedMap((k, _node(v, flow)) for k, v in value.items() if not _empty(v))
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        # A short list of words is written on one line, as content writes `roads: [E14, E45]`.
        short = all(isinstance(v, str | int | float) and "\n" not in str(v) for v in value)
        flow = flow or (short and len(", ".join(map(str, value))) <= FLOW_WIDTH)
        node = CommentedSeq(_node(v, flow) for v in value)
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, str):
        return _text(value, None, flow)
    return value


def _merge(old: Any, new: Any, flow: bool) -> Any:
    """`new` written over `old` in place where the two have the same shape, `old` itself if unchanged."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_list(old, new)
        return old
    plain = _plain(old)
    if type(plain) is type(new) and plain == new:
        return old
    if isinstance(new, str) and not isinstance(old, dict | list):
        return _text(new, old, flow)
    return _node(new, flow)


def _merge_map(old: CommentedMap, new: dict) -> None:
    flow = bool(old.fa.flow_style())
    # A field Decap leaves out or blank is taken out, unless the file already had it blank.
    for key in [k for k in old if str(k) not in new or (_empty(new[str(k)]) and not _empty(_plain(old[k])))]:
        del old[key]
    position = 0
    for key, value in new.items():
        if key in old:
            if not _empty(value):
                merged = _merge(old[key], value, flow)
                if merged is not old[key]:
                    _keep_comment_gap(old, key, merged)
                    old[key] = merged
            position = list(old).index(key) + 1
        elif not _empty(value):
            # A new field goes after the field Decap put before it, not at the end of the file.
            old.insert(position, key, _node(value, flow))
            position += 1


def _keep_comment_gap(parent: CommentedMap, key: Any, value: Any) -> None:
    """Move a comment after a value (`seat: Järpen  # centralorten`) as far as the value grows."""
    token = (parent.ca.items.get(key) or [None] * 3)[2]
    before = parent[key]
    if token is not None and isinstance(value, str) and isinstance(before, str) and "\n" not in value:
        token.start_mark.column = max(token.start_mark.column + len(value) - len(before), 0)


def _merge_list(old: CommentedSeq, new: list) -> None:
    """Match unchanged items first, so an item added or removed leaves its neighbours' comments alone."""
    flow = bool(old.fa.flow_style())
    keys = [json.dumps(_plain(v), sort_keys=True, default=str) for v in old]
    wanted = [json.dumps(v, sort_keys=True, default=str) for v in new]
    for tag, i1, i2, j1, j2 in reversed(difflib.SequenceMatcher(None, keys, wanted, autojunk=False).get_opcodes()):
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            merged = _merge(old[i1 + k], new[j1 + k], flow)
            if merged is not old[i1 + k]:
                old[i1 + k] = merged
        for i in range(i2 - 1, i1 + paired - 1, -1):
            del old[i]
        for k, j in enumerate(range(j1 + paired, j2)):
            old.insert(i1 + paired + k, _node(new[j], flow))


def merge_yaml(old_text: str | None, raw: str) -> str:
    """Decap's YAML for a file, merged into the file's text as written; raises YamlSyntaxError."""
    new = yamlfile.parse(raw).data
    doc = None
    if old_text is not None:
        with contextlib.suppress(YAMLError):
            doc = _yaml().load(old_text)
    if isinstance(doc, CommentedMap) and isinstance(new, dict):
        before = _preambles(old_text, doc)
        _merge_map(doc, new)
        text = _dump(doc, old_text)
        spaced = _with_preambles(text, before)
        # Only blank lines and comments move; should a text's own lines ever be taken for them, keep ruamel's.
        return spaced if _plain(_yaml().load(spaced)) == _plain(_yaml().load(text)) else text
    return _dump(_node(new), old_text or "")


def _preamble_start(lines: list[str], line: int) -> int:
    """The first of the blank lines and top-level comments directly above `line` (0-based)."""
    while line > 0 and (not lines[line - 1].strip() or lines[line - 1].startswith("#")):
        line -= 1
    return line


def _preambles(text: str, doc: CommentedMap) -> dict:
    """The blank lines and comments above each top-level field, the file's head above the first."""
    lines = text.splitlines(keepends=True)
    return {key: lines[_preamble_start(lines, doc.lc.key(key)[0]) : doc.lc.key(key)[0]] for key in doc}


def _with_preambles(text: str, before: dict) -> str:
    """`text` with each top-level field's blank lines and comments above it as they were.

    ruamel keeps what is above a field with the field before it, so it would go when that field is
    removed and end up above a field added after it. A new section gets the blank line the file's
    sections have; the file's head stays at the top.
    """
    doc = _yaml().load(text)
    lines = text.splitlines(keepends=True)
    head = next(iter(before.values()), [])
    spaced = any("\n" in lines_above for lines_above in list(before.values())[1:])
    keys = list(doc)
    for index in range(len(keys) - 1, -1, -1):
        key, line = keys[index], doc.lc.key(keys[index])[0]
        if index == 0:
            wanted = head
        elif key in before and before[key] is not head:
            wanted = before[key]
        else:
            wanted = ["\n"] if spaced and isinstance(doc[key], dict | list) else []
        lines[_preamble_start(lines, line) : line] = wanted
    return "".join(lines)


RAW_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.M)


def merge_markdown(old_text: str | None, raw: str) -> str:
    """A Markdown page from Decap: front matter merged as YAML, the body as Decap sends it."""
    found = RAW_FRONT_MATTER.match(raw)
    front, body = (found.group(1), raw[found.end() :]) if found else ("", raw)
    old_found = FRONT_MATTER.match(old_text or "")
    old_front, old_body = (old_found.group(1), old_text[old_found.end() :]) if old_found else (None, old_text or "")
    if body.strip("\n") == old_body.strip("\n"):
        body = old_body  # Decap trims the blank line after the front matter and the last newline
    elif body.strip("\n"):
        lead = old_body[: len(old_body) - len(old_body.lstrip("\n"))] if old_found else ""
        body = lead + body.strip("\n") + "\n"
    if not front.strip() and old_found is None:
        return body
    try:
        merged = merge_yaml(old_front, front)
    except yamlfile.YamlSyntaxError as exc:
        raise yamlfile.YamlSyntaxError(exc.line + 1, exc.message) from None
    return f"---\n{merged}---\n{body}"


def merged_text(old_text: str | None, raw: str, suffix: str) -> str:
    return merge_markdown(old_text, raw) if suffix == ".md" else merge_yaml(old_text, raw)


# The backend ----------------------------------------------------------------------------------


class Backend:
    """Decap's proxy protocol (as decap-server's localFs and localGit middlewares answer it) over one
    content folder, every write checked first and committed when the folder is in a git checkout."""

    def __init__(self, root: Path, content: Path | None = None):
        self.root = root.resolve()
        self.content = (content or root / CONTENT).resolve()
        docs = self.root / "docs"
        self.docs_dir = docs if docs.is_dir() else None
        self.author_setting = os.environ.get(AUTHOR_ENV, "").strip()
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
            self.guard(request)
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

    # Who may ask ---------------------------------------------------------------------------------

    def guard(self, request: Request) -> None:
        """Refuse what is not a same-origin JSON POST from this computer to this server's own address."""
        if not _loopback(request.remote_addr or ""):
            raise Refused(403, "Redigeraren tar bara emot ändringar från den här datorn.")
        port = str(request.environ.get("SERVER_PORT", ""))
        host = request.host.lower()
        name, _, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name:
            name, given = host, ""
        name = name.strip("[]")
        if name not in LOOPBACK_NAMES or (given or "80") != port:
            raise Refused(
                403,
                f'Redigeraren svarar bara på sin egen adress (http://localhost:{port}/), inte på "{request.host}".',
            )
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() != f"http://{host}":
            raise Refused(403, f"Förfrågan kom från en annan webbplats ({origin}) och avvisades.")
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site is not None and fetch_site != "same-origin":
            raise Refused(403, "Förfrågan kom från en annan webbplats och avvisades.")
        if request.method != "POST":
            raise Refused(405, "Redigerarens server tar bara emot POST.")
        if request.mimetype != "application/json":
            raise Refused(415, "Redigerarens server tar bara emot JSON (Content-Type: application/json).")

    def body(self, request: Request) -> dict:
        try:
            data = json.loads(request.get_data(cache=False))
        except RequestEntityTooLarge:
            raise Refused(413, f"För stort: högst {MAX_PHOTO // (1024 * 1024)} MB per bild.") from None
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "Förfrågan var inte giltig JSON.") from None
        if not isinstance(data, dict):
            raise Refused(400, "Förfrågan var inte ett JSON-objekt.")
        return data

    # Paths -------------------------------------------------------------------------------------

    def path(self, rel: Any, under: str = CONTENT) -> Path:
        """The file Decap names by `rel` (e.g. content/region.yml), refused unless it is really inside `under`."""
        refused = Refused(403, f"Sökvägen {json.dumps(rel, ensure_ascii=False)} ligger inte i {under}/.")
        if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel or re.match(r"[A-Za-z]:", rel):
            raise refused
        pure = PurePosixPath(rel)
        base = PurePosixPath(under).parts
        if pure.is_absolute() or ".." in pure.parts or pure.parts[: len(base)] != base:
            raise refused
        target = self.content.joinpath(*pure.parts[1:])
        # A symlink, at the file or any folder above it, must not lead out of the folder.
        real, inside = _real(target), _real(self.content.joinpath(*base[1:]))
        if not (real.is_relative_to(inside) and real.is_relative_to(self.content)):
            raise refused
        return target

    def rel(self, path: Path) -> str:
        return str(PurePosixPath(CONTENT, *path.relative_to(self.content).parts))

    # Reading -----------------------------------------------------------------------------------

    def info(self, params: Any) -> dict:
        return {
            "repo": self.root.name,
            "publish_modes": ["simple"],
            "type": "local_git" if _git_top(self.content) else "local_fs",
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
        return [self.entry(self.rel(path)) for path in self.listing(folder, extension, depth)]

    def listing(self, folder: Path, extension: str, depth: int) -> list[Path]:
        """The files under `folder` ending in `extension`, `depth` folders deep, links out left out."""
        if depth <= 0 or not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.resolve().is_relative_to(self.content):
                continue
            if path.is_dir():
                found += self.listing(path, extension, depth - 1)
            elif path.name.endswith(extension):
                found.append(path)
        return found

    def entries_by_files(self, params: dict) -> list:
        files = _param(params, "files", list)
        if not all(isinstance(f, dict) for f in files):
            raise Refused(422, "files: väntade en lista med {path, label}.")
        return [self.entry(f.get("path"), f.get("label")) for f in files]

    def get_entry(self, params: dict) -> dict:
        return self.entry(_param(params, "path", str))

    def media_file(self, path: Path) -> dict:
        data = path.read_bytes()
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": self.rel(path),
            "name": path.name,
        }

    def get_media(self, params: dict) -> list:
        folder = self.path(_param(params, "mediaFolder", str))
        return [self.media_file(path) for path in self.listing(folder, "", 1)]

    def get_media_file(self, params: dict) -> dict:
        path = self.path(_param(params, "path", str))
        if not path.is_file():
            raise Refused(404, f"Filen {self.rel(path)} finns inte.")
        return self.media_file(path)

    # Writing -----------------------------------------------------------------------------------

    def persist_entry(self, params: dict) -> dict:
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else None)
        if not isinstance(files, list) or not files or not all(isinstance(f, dict) for f in files):
            raise Refused(422, "dataFiles: väntade en lista med {path, raw}.")
        options = _param(params, "options", dict)
        changes: dict[Path, bytes | None] = {}
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
        if not EDITABLE.fullmatch(path.relative_to(self.content).as_posix()):
            raise Refused(422, f"{rel}: redigeraren sparar inte den filen (den kontrolleras inte av tasteget check).")
        return path

    def merged(self, path: Path, raw: str) -> str:
        """The file's new text: Decap's values merged into the file as written."""
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        try:
            return merged_text(old, raw, path.suffix)
        except yamlfile.YamlSyntaxError as exc:
            raise Refused(422, f"{SAVE_REFUSED}: {self.rel(path)}, rad {exc.line}: {exc.message}") from None

    def photo(self, asset: Any) -> tuple[Path, bytes]:
        """A photo Decap uploads: inside content/photos, at most MAX_PHOTO, a picture of its ending's kind."""
        if not isinstance(asset, dict) or asset.get("encoding") != "base64":
            raise Refused(422, "asset: väntade {path, content, encoding: base64}.")
        path = self.path(asset.get("path"), PHOTOS)
        if path.suffix.lower() not in pictures.FORMATS:
            raise Refused(422, f"{self.rel(path)}: en bild ska vara JPEG, PNG eller WebP (.jpg, .png, .webp).")
        try:
            data = base64.b64decode(_param(asset, "content", str), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(422, f"{self.rel(path)}: bildens innehåll gick inte att läsa (base64).") from None
        if len(data) > MAX_PHOTO:
            raise Refused(413, f"{self.rel(path)}: för stor: högst {MAX_PHOTO // (1024 * 1024)} MB per bild.")
        with tempfile.TemporaryDirectory(prefix="tasteget-photo-") as folder:
            probe = Path(folder) / f"upload{path.suffix.lower()}"
            probe.write_bytes(data)
            problem = pictures.problem(probe)
        if problem:
            raise Refused(422, f'{self.rel(path)}: "{path.name}" {problem}')
        return path, data

    def persist_media(self, params: dict) -> dict:
        path, data = self.photo(_param(params, "asset", dict))
        self.save({path: data}, _message(_param(params, "options", dict)))
        return self.media_file(path)

    def delete_file(self, params: dict) -> dict:
        return self.delete([_param(params, "path", str)], _param(params, "options", dict))

    def delete_files(self, params: dict) -> dict:
        paths = _param(params, "paths", list)
        if not paths:
            raise Refused(422, "paths: väntade minst en sökväg.")
        return self.delete(paths, _param(params, "options", dict))

    def delete(self, rels: list, options: dict) -> dict:
        changes: dict[Path, bytes | None] = {}
        for rel in rels:
            path = self.path(rel, PHOTOS) if str(rel).startswith(PHOTOS + "/") else self.text_file(rel)
            changes[path] = None
            if path.suffix in (".yml", ".yaml"):
                # A municipality's body texts (<slug>.md, <slug>.en.md) go with it; alone they are an error.
                for body in path.parent.glob(f"{glob.escape(path.stem)}.*md"):
                    if re.fullmatch(rf"{re.escape(path.stem)}(\.[a-z]{{2}})?\.md", body.name):
                        changes[body] = None
        self.save(changes, _message(options))
        return {"message": f"deleted files {', '.join(map(str, rels))}"}

    def save(self, changes: dict[Path, bytes | None], message: str) -> None:
        """Check the content as it would be, then write, then commit: nothing written on a problem."""
        with self.lock:
            top = _git_top(self.content)
            author = self.author() if top else None
            problems = self.problems(changes)
            if problems:
                raise Refused(422, _refusal(problems))
            for path, data in changes.items():
                _write(path, data)
            if top:
                self.commit(list(changes), message, author)

    def commit(self, paths: list[Path], message: str, author: tuple[str, str]) -> None:
        # Plain `git` with explicit arguments: three commands, where GitPython would be a large
        # dependency for them. Only these files go in, whatever else is staged or changed.
        names = [str(path.relative_to(self.content)) for path in paths]
        status = _git(self.content, "status", "--porcelain", "-z", "--untracked-files=all", "--", *names)
        if not status.stdout.strip("\0"):
            return  # saved as it was: nothing to commit
        # A file removed that git never had is no pathspec git accepts.
        tracked = set(_git(self.content, "ls-files", "-z", "--", *names).stdout.split("\0"))
        names = [name for name, path in zip(names, paths, strict=True) if path.exists() or name in tracked]
        name, address = author
        identity = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": address,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": address,
        }
        _git(self.content, "add", "--all", "--", *names)
        # Hooks are a developer's code checks and the content has just passed ours; a signing
        # prompt would hang the preview's request.
        _git(
            self.content, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, "--", *names, env=identity
        )
        log.info("Committed %s as %s", ", ".join(names), name)

    def author(self) -> tuple[str, str]:
        """The communicator: TASTEGET_EDITOR_AUTHOR ("Namn <e-post>"), else git's user.name and user.email.

        With neither, saving is refused before anything is written (Decap keeps the form as it was):
        a commit must say who changed the site, and a file written but not committed would be a
        change nobody can see in the history.
        """
        how = f'Ange vem du är: {AUTHOR_ENV}="Förnamn Efternamn <namn@example.se>" eller git config user.name och user.email.'
        if self.author_setting:
            name, address = email.utils.parseaddr(self.author_setting)
            if not name or "@" not in address:
                raise Refused(422, f'{AUTHOR_ENV} ska vara som "Förnamn Efternamn <namn@example.se>". {how}')
            return name, address
        name = _git(self.content, "config", "user.name", check=False).stdout.strip()
        address = _git(self.content, "config", "user.email", check=False).stdout.strip()
        if not name or not address:
            raise Refused(422, f"Sparades inte: git vet inte vem du är, och varje ändring sparas med ditt namn. {how}")
        return name, address

    # Checking ----------------------------------------------------------------------------------

    def problems(self, changes: dict[Path, bytes | None]) -> list[Problem]:
        """What `tasteget check` would say of the content with `changes`: every error in a changed
        file, and errors elsewhere that the change makes (those already there do not block it)."""
        after = self.check_with(changes)
        changed = {self.rel(path) for path in changes}
        blocking = [p for p in after if p.path in changed]
        others = [p for p in after if p.path not in changed]
        if others:
            before = set(self.check_with({}))
            blocking += [p for p in others if p not in before]
        return sorted(blocking)

    def check_with(self, changes: dict[Path, bytes | None]) -> list[Problem]:
        """The check's errors, run on a copy of the content with `changes` made (files linked, not copied)."""
        with tempfile.TemporaryDirectory(prefix="tasteget-editor-") as folder:
            mirror = Path(folder).resolve() / CONTENT
            for path in [self.content, *self.listing(self.content, "", 100), *_folders(self.content)]:
                copy = mirror / path.relative_to(self.content)
                if path.is_dir():
                    copy.mkdir(parents=True, exist_ok=True)
                elif path not in changes:
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.symlink_to(path)
            for path, data in changes.items():
                if data is not None:
                    copy = mirror / path.relative_to(self.content)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_bytes(data)
            report = check(mirror, self.docs_dir)
            return [self.named(problem, mirror) for problem in report.errors]

    def named(self, problem: Problem, mirror: Path) -> Problem:
        """The problem with its file named as Decap names it (content/...), wherever the check ran."""
        path = Path(problem.path)
        path = path if path.is_absolute() else Path.cwd() / path
        for base in (mirror, self.content):
            if path.is_relative_to(base):
                rel = str(PurePosixPath(CONTENT, *path.relative_to(base).parts))
                return Problem(rel, problem.line, problem.field, problem.message)
        return problem

    def check_entry(self, body: dict) -> dict:
        """The problems a save of `raw` at `path` would meet, for the editor's preview; nothing written."""
        path = self.text_file(body.get("path"))
        raw = _param(body, "raw", str)
        try:
            text = merged_text(path.read_text(encoding="utf-8") if path.is_file() else None, raw, path.suffix)
        except yamlfile.YamlSyntaxError as exc:
            problems = [Problem(self.rel(path), exc.line, "", exc.message)]
        else:
            with self.lock:
                problems = self.problems({path: text.encode("utf-8")})
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


# Small helpers ---------------------------------------------------------------------------------


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


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _real(path: Path) -> Path:
    """Where `path` really is: its symlinks followed as far as it exists (a file to be written may not)."""
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    return existing.resolve() / path.relative_to(existing)


def _folders(root: Path) -> list[Path]:
    return [Path(dirpath) for dirpath, _, _ in os.walk(root) if not Path(dirpath).name.startswith(".")]


def _write(path: Path, data: bytes | None) -> None:
    """Write the whole file or none of it (a preview rebuild may read it meanwhile); None deletes it."""
    if data is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            # mkstemp makes the file private; content is readable like any file in the checkout.
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _git(cwd: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Refused(500, f"Filen sparades men git kunde inte köras: {exc}") from None
    if check and done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["okänt fel"])[-1]
        raise Refused(500, f"Filen sparades men kunde inte läggas in i git: {reason}")
    return done


def _git_top(folder: Path) -> bool:
    """Whether `folder` is inside a git checkout (and git is installed)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"
