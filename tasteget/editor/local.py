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
import email.utils
import glob
import hashlib
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

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from ..content import pictures, yamlfile
from ..content.errors import Problem
from ..content.load import check
from . import merge

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
            return merge.merged_text(old, raw, path.suffix)
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
            text = merge.merged_text(path.read_text(encoding="utf-8") if path.is_file() else None, raw, path.suffix)
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
