"""The preview's banner of content errors, in Swedish: above the last good page, or alone when no
page has been built yet. Plain functions from problems to HTML; no MkDocs.

It is a region landmark with a heading, readable at 375 px, styled from a stylesheet of its own
(`CSS`, served by the preview at `CSS_PATH`) and without script, so the site's policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..content import swedish
from ..content.errors import Problem

CSS_PATH = "/_preview/problems.css"
HEADING = "Innehållet har fel – sidan nedan är den senaste som fungerade"
HEADING_ALONE = "Innehållet har fel – ingen sida har kunnat byggas ännu"
HINT = "Rätta felen och spara filen: sidan laddas om av sig själv när felen är borta."
FAILED = "Webbplatsen kunde inte byggas"
JUMP = "Innehållet har fel – gå till felen överst på sidan"

CSS = """\
/* A reload keeps the reader's place: without this Chrome would scroll the banner out of sight. */
html, body { overflow-anchor: none; }
body { margin: 0; padding-bottom: 3.5rem; }
.tasteget-problems {
  box-sizing: border-box; margin: 0; padding: 1rem 1.25rem 1.25rem;
  background: #fff4f2; color: #1c1b1b; border-bottom: 0.3rem solid #a4161a;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  overflow-wrap: anywhere; position: relative; z-index: 5;
}
.tasteget-problems > * { max-width: 60rem; }
.tasteget-problems h1, .tasteget-problems h2 {
  margin: 0 0 0.5rem; font-size: 1.25rem; line-height: 1.3; font-weight: 700; color: #7a0d10;
}
.tasteget-problems p { margin: 0 0 0.5rem; }
.tasteget-problems ul { margin: 0.75rem 0 0; padding: 0; list-style: none; }
.tasteget-problems li {
  margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; background: #fff; border-left: 0.25rem solid #a4161a;
}
.tasteget-problems .where { margin: 0; font-weight: 600; }
.tasteget-problems code {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.95em;
  background: #f3e6e4; color: #1c1b1b; padding: 0 0.2em; border-radius: 0.15em;
}
.tasteget-problems .what { margin: 0.25rem 0 0; }
/* Wherever the reader is on the page, a strip at the bottom says there are errors and leads to them. */
.tasteget-problems .jump {
  position: fixed; left: 0; right: 0; bottom: 0; margin: 0; max-width: none; z-index: 10;
  background: #7a0d10; text-align: center;
}
.tasteget-problems .jump a {
  display: block; padding: 0.75rem 1rem; color: #fff; font-weight: 700; text-decoration: underline;
}
.tasteget-problems .jump a:focus-visible { outline: 0.2rem solid #fff; outline-offset: -0.35rem; }
"""


def _item(problem: Problem) -> str:
    where = f"<code>{escape(problem.path)}</code>, rad {problem.line}"
    if problem.column:
        where += f", kolumn {problem.column}"
    if problem.field:
        where += f", fältet <code>{escape(problem.field)}</code>"
    return f'<li><p class="where">{where}</p><p class="what">{escape(swedish.message(problem))}</p></li>'


def banner(problems: Sequence[Problem], failure: str = "", alone: bool = False) -> str:
    """The banner: each problem with its file, line, column and field, and what to do, in Swedish.
    `failure` is a build failure that is not a content error (a template's, say); `alone` when no
    page is below it."""
    heading = HEADING_ALONE if alone else HEADING
    level = "h1" if alone else "h2"
    items = "".join(_item(p) for p in problems)
    if failure and not problems:
        heading = FAILED
        items = f'<li><p class="what">{escape(failure)}</p></li>'
    return (
        f'<section class="tasteget-problems" id="innehallsfel" aria-labelledby="tasteget-problems" lang="sv">'
        f'<{level} id="tasteget-problems">{heading}</{level}><p>{HINT}</p><ul>{items}</ul>'
        + ("" if alone else f'<p class="jump"><a href="#innehallsfel">{JUMP}</a></p>')
        + "</section>"
    )


def stylesheet() -> str:
    return f'<link rel="stylesheet" href="{CSS_PATH}">'


def page(problems: Sequence[Problem], failure: str = "") -> str:
    """A page with the problems only: for when no build has worked yet."""
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Innehållet har fel – förhandsvisning</title>{stylesheet()}</head>"
        f"<body><main>{banner(problems, failure, alone=True)}</main></body></html>"
    )
