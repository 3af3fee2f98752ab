"""The site's public paths per language. Printed in the magazine: never change them."""

from __future__ import annotations

LANGS = ("sv", "en")
PREFIX = {"sv": "/", "en": "/en/"}

SECTIONS = {
    "home": {"sv": "", "en": ""},
    "municipalities": {"sv": "kommuner", "en": "municipalities"},
    "skills": {"sv": "kompetensbehov", "en": "skills-in-demand"},
    "coworking": {"sv": "coworking", "en": "coworking"},
    "stories": {"sv": "berattelser", "en": "stories"},
    "privacy": {"sv": "integritet", "en": "privacy"},
    "accessibility": {"sv": "tillganglighet", "en": "accessibility"},
    # Served by the intake service; the site links to them but generates no page there.
    "register": {"sv": "registrera", "en": "register"},
    "order": {"sv": "bestall-magasinet", "en": "order-magazine"},
    "visit": {"sv": "besok", "en": "visit"},
}


def url(section: str, lang: str, slug: str | None = None) -> str:
    """The absolute path of a section (or of one item in it) in a language."""
    path = SECTIONS[section][lang]
    parts = [p for p in (path, slug) if p]
    return PREFIX[lang] + "".join(p + "/" for p in parts)


def src_path(section: str, lang: str, slug: str | None = None) -> str:
    """The generated Markdown file inside one language's build, e.g. `kommuner/are.md`."""
    path = SECTIONS[section][lang]
    if slug:
        return f"{path}/{slug}.md"
    return f"{path}/index.md" if path else "index.md"


def other(lang: str) -> str:
    return "en" if lang == "sv" else "sv"


def versions(lang: str, here: str, there: str) -> dict[str, str]:
    """One page in every language, in `LANGS` order: `here` in `lang`, `there` in the other."""
    return {code: here if code == lang else there for code in LANGS}
