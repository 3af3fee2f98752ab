"""Who may ask the editor's backend to write: a same-origin JSON POST from this computer to its own address.

It writes files on a request over HTTP, so it answers only a request from a loopback address, sent
to a loopback name with the server's own port (no other name: stops DNS rebinding), from a page of
its own origin (stops other web pages from using a communicator's browser to write).
"""

from __future__ import annotations

import ipaddress

from werkzeug.wrappers import Request

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def refusal(request: Request) -> tuple[int, str] | None:
    """The HTTP status and message `request` is refused with, None if it may be answered."""
    if not _loopback(request.remote_addr or ""):
        return 403, "Redigeraren tar bara emot ändringar från den här datorn."
    port = str(request.environ.get("SERVER_PORT", ""))
    host = request.host.lower()
    name, _, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        name, given = host, ""
    if name.strip("[]") not in LOOPBACK_NAMES or (given or "80") != port:
        return 403, f'Redigeraren svarar bara på sin egen adress (http://localhost:{port}/), inte på "{request.host}".'
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{host}":
        return 403, f"Förfrågan kom från en annan webbplats ({origin}) och avvisades."
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return 403, "Förfrågan kom från en annan webbplats och avvisades."
    if request.method != "POST":
        return 405, "Redigerarens server tar bara emot POST."
    if request.mimetype != "application/json":
        return 415, "Redigerarens server tar bara emot JSON (Content-Type: application/json)."
    return None


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False
