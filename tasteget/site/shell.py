"""The page shell: a built page of the site with markers where another service puts its content.

The site build emits one shell per language (`/_shell/`, `/en/_shell/`); the intake fills it, so
the forms have the site's header, navigation, footer and language switcher by construction.
"""

from __future__ import annotations

import json
import re
from posixpath import join, normpath
from urllib.parse import urlsplit

SHELL_DIR = "_shell"
TITLE = "@@TS-TITLE@@"
DESCRIPTION = "@@TS-DESCRIPTION@@"
CONTENT = "@@TS-CONTENT@@"
ALTERNATE = "/@@TS-ALTERNATE@@/"  # absolute, so MkDocs' url filter leaves it alone
SHELL_MARKDOWN = f"{CONTENT}\n"

_URL_ATTR = re.compile(r'(\b(?:href|src|action)=")([^"#][^"]*)(")')
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)


def absolutize(html: str, page_path: str) -> str:
    """Make every relative URL absolute, so the shell works at any depth of path."""

    def fix(match: re.Match) -> str:
        url = match.group(2)
        if urlsplit(url).scheme or url.startswith(("/", "mailto:", "tel:", "data:")):
            return match.group(0)
        return match.group(1) + _join(page_path, url) + match.group(3)

    html = _URL_ATTR.sub(fix, html)

    def fix_config(match: re.Match) -> str:
        config = json.loads(match.group(2))
        for key in ("base", "search"):
            if isinstance(config.get(key), str):
                config[key] = _join(page_path, config[key])
        # The base is a folder: Material resolves the search index against it, and "/en" (no slash)
        # would make the English pages search the Swedish site's index.
        if isinstance(config.get("base"), str) and not config["base"].endswith("/"):
            config["base"] += "/"
        return match.group(1) + json.dumps(config, ensure_ascii=False) + match.group(3)

    return _CONFIG.sub(fix_config, html)


def _join(page_path: str, url: str) -> str:
    path, _, rest = url.partition("?")
    joined = normpath(join(page_path, path))
    if path.endswith("/") and not joined.endswith("/"):
        joined += "/"
    return joined + (f"?{rest}" if rest else "")


class Shell:
    """One language's shell, split once, filled per request."""

    def __init__(self, html: str, page_path: str):
        self.page_path = page_path
        html = absolutize(html, page_path)
        marker = f"<p>{CONTENT}</p>"
        if marker not in html:
            raise ValueError(f"the page shell has no {CONTENT} marker")
        self.head, self.tail = html.split(marker, 1)

    def fill(self, *, title: str, description: str, content: str, path: str, alternate: str) -> str:
        """The whole page; `title` and `description` must already be HTML-escaped."""
        replacements = {
            TITLE: title,
            DESCRIPTION: description,
            ALTERNATE: alternate,
            self.page_path: path,  # canonical and og:url
        }
        head, tail = self.head, self.tail
        for marker, value in replacements.items():
            head, tail = head.replace(marker, value), tail.replace(marker, value)
        return head + content + tail
