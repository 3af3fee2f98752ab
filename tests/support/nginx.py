"""The shipped nginx site (deploy/nginx/) read as nginx reads it, and run as Debian's nginx runs it.

`route` picks the location nginx would pick for a path (exact, then the longest prefix, `^~`
stopping there, then the first matching regular expression in order), so a test can ask where each
of the app's paths goes without starting anything. `Nginx` starts the real server, as a non-daemon
master with its own prefix, pid and temporary folders, on the shipped site file with its paths and
ports substituted: nothing else of it changes.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.helpers import ROOT

DEPLOY = ROOT / "deploy"
SITE_CONF = DEPLOY / "nginx" / "tasteget.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def installed() -> bool:
    return Path(NGINX).is_file()


@dataclass(frozen=True)
class Location:
    modifier: str  # "", "=", "^~", "~" or "~*"
    pattern: str
    body: str

    @property
    def proxied(self) -> bool:
        return "proxy.conf" in self.body or "proxy_pass" in self.body

    @property
    def internal(self) -> bool:
        return re.search(r"\binternal;", self.body) is not None


def _blocks(text: str, keyword: str) -> list[tuple[str, str]]:
    """(the words after `keyword`, the block's text) for each `keyword … { … }` in `text`."""
    found = []
    for match in re.finditer(rf'(?m)^\s*{keyword}\s+((?:"[^"]*"|[^{{"])*?)\s*\{{', text):
        depth, start = 1, match.end()
        end = start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        found.append((match.group(1), text[start : end - 1]))
    return found


def uncommented(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in text.splitlines())


def https_server(text: str) -> str:
    """The body of the server block that listens with TLS."""
    (body,) = [body for _, body in _blocks(uncommented(text), "server") if re.search(r"listen\s+[^;]*\bssl\b", body)]
    return body


def locations(server: str) -> list[Location]:
    out = []
    for head, body in _blocks(server, "location"):
        parts = head.split(None, 1)
        modifier, pattern = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
        out.append(Location(modifier, pattern.strip().strip('"'), body))
    return out


def route(path: str, where: list[Location]) -> Location | None:
    """The location nginx serves `path` from."""
    for location in where:
        if location.modifier == "=" and location.pattern == path:
            return location
    prefixes = [loc for loc in where if loc.modifier in ("", "^~") and path.startswith(loc.pattern)]
    longest = max(prefixes, key=lambda loc: len(loc.pattern), default=None)
    if longest is not None and longest.modifier == "^~":
        return longest
    for location in where:
        if location.modifier in ("~", "~*"):
            flags = re.IGNORECASE if location.modifier == "~*" else 0
            if re.search(location.pattern, path, flags):
                return location
    return longest


def render(
    *,
    site_dir: Path,
    conf_dir: Path,
    certificate: Path,
    key: Path,
    https_port: int,
    http_port: int,
    upstreams: list[int],
    access_log: Path,
    error_log: Path,
) -> str:
    """The shipped site file with this machine's paths and ports; every substitution must apply."""
    text = SITE_CONF.read_text()

    def sub(old: str, new: str, count: int | None = None) -> None:
        nonlocal text
        found = text.count(old)
        assert found and (count is None or found == count), f"{old!r} is not in {SITE_CONF} as the test expects"
        text = text.replace(old, new)

    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in upstreams)
    sub(
        "    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;\n",
        servers,
        1,
    )
    sub("    listen [::]:80;\n", "")
    sub("    listen [::]:443 ssl http2;\n", "")
    sub("listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    sub("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1)
    sub("/etc/letsencrypt/live/tasteget.example.se/fullchain.pem", str(certificate), 1)
    sub("/etc/letsencrypt/live/tasteget.example.se/privkey.pem", str(key), 1)
    sub("/srv/tasteget/site", str(site_dir))
    sub("/etc/nginx/tasteget/", f"{conf_dir}/")
    sub("/var/log/nginx/tasteget.access.log", str(access_log), 1)
    sub("/var/log/nginx/tasteget.error.log crit", f"{error_log} info", 1)
    return text


def main_conf(prefix: Path, site: Path, brotli: bool) -> str:
    """An nginx.conf like Debian's, as far as the site needs: its http block includes the site."""
    temp = prefix / "temp"
    load = f"load_module {BROTLI_MODULE};\n" if brotli else ""
    # Run by root (a CI machine), the workers would be `nobody`, who cannot read the test's folders.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"{load}{user}worker_processes 1;\ndaemon off;\nmaster_process on;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n"
        f"    client_body_temp_path {temp / 'body'};\n    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fastcgi'};\n    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n"
        f"    access_log off;\n"
        f"    include {site};\n"
        "}\n"
    )


class Nginx:
    """Debian's nginx on the shipped site, in a folder of its own."""

    def __init__(self, prefix: Path, brotli: bool | None = None, **site):
        self.prefix = prefix
        self.conf_dir = prefix / "conf.d"
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        (prefix / "temp").mkdir(exist_ok=True)
        shutil.copy(DEPLOY / "nginx" / "proxy.conf", self.conf_dir / "proxy.conf")
        self.brotli = BROTLI_MODULE.is_file() if brotli is None else brotli
        if self.brotli:
            shutil.copy(DEPLOY / "nginx" / "brotli.conf", self.conf_dir / "brotli.conf")
        self.access_log = prefix / "access.log"
        self.error_log = prefix / "site-error.log"
        site_file = prefix / "tasteget.conf"
        site_file.write_text(
            render(conf_dir=self.conf_dir, access_log=self.access_log, error_log=self.error_log, **site)
        )
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(main_conf(prefix, site_file, self.brotli))
        self.process: subprocess.Popen | None = None

    def _command(self, *args: str) -> list[str]:
        return [NGINX, "-p", str(self.prefix), "-c", str(self.conf), "-e", str(self.prefix / "error.log"), *args]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(self._command("-t"), capture_output=True, text=True)

    def start(self) -> None:
        with (self.prefix / "master.log").open("w") as log:
            self.process = subprocess.Popen(self._command(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not (self.prefix / "nginx.pid").is_file():
            assert self.process.poll() is None, (self.prefix / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)

    def reload_command(self) -> list[str]:
        return self._command("-s", "reload")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
