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
    "events": {"sv": "evenemang", "en": "events"},
    "privacy": {"sv": "integritet", "en": "privacy"},
    "accessibility": {"sv": "tillganglighet", "en": "accessibility"},
    # Served by the intake service; the site links to them but generates no page there.
    "register": {"sv": "registrera", "en": "register"},
    "order": {"sv": "bestall-magasinet", "en": "order-magazine"},
    "visit": {"sv": "besok", "en": "visit"},
}
# An event's sign-up form, under its page (served by the intake): /evenemang/<slug>/anmal/.
SIGN_UP = {"sv": "anmal", "en": "sign-up"}
# The calendar of every event, in the events section: /evenemang/evenemang.ics.
EVENTS_FEED = {"sv": "evenemang.ics", "en": "events.ics"}
# A sign-up's cancel link, in the events section (served by the intake): /evenemang/avboka/<token>/.
CANCEL = {"sv": "avboka", "en": "cancel"}


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


def sign_up_url(lang: str, slug: str) -> str:
    """The absolute path of an event's sign-up form in a language (the intake serves it)."""
    return url("events", lang, slug) + SIGN_UP[lang] + "/"


def reserved_event_slugs() -> dict[str, str]:
    """The names an event's file may not have, each with the fixed path in the events section it
    would clash with: the cancel links' folder, and the feed beside the events' own calendar files."""
    reserved = {}
    for lang in LANGS:
        reserved[CANCEL[lang]] = url("events", lang) + CANCEL[lang] + "/"
        reserved[EVENTS_FEED[lang].removesuffix(".ics")] = url("events", lang) + EVENTS_FEED[lang]
    return reserved


def event_ics(lang: str, slug: str) -> str:
    """An event's calendar file inside one language's build, beside its page: `evenemang/<slug>.ics`."""
    return f"{SECTIONS['events'][lang]}/{slug}.ics"


def events_feed(lang: str) -> str:
    """The calendar of every event inside one language's build: `evenemang/evenemang.ics`."""
    return f"{SECTIONS['events'][lang]}/{EVENTS_FEED[lang]}"
