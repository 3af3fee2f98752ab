"""The public paths of events: the event's page (built by the site), its sign-up form, the cancel link."""

from __future__ import annotations

from tasteget.site.routes import CANCEL

EVENTS = {"sv": "/evenemang/", "en": "/en/events/"}
SIGN_UP = {"sv": "anmal", "en": "sign-up"}
RECEIPT = {"sv": "tack", "en": "thanks"}


def event(lang: str, slug: str) -> str:
    return f"{EVENTS[lang]}{slug}/"


def sign_up(lang: str, slug: str) -> str:
    return f"{EVENTS[lang]}{slug}/{SIGN_UP[lang]}/"


def receipt(lang: str, slug: str, reference: str) -> str:
    """A sign-up's receipt; without a reference, the page that names no sign-up."""
    return f"{sign_up(lang, slug)}{RECEIPT[lang]}/" + (f"{reference}/" if reference else "")


def cancel(lang: str, token: str) -> str:
    return f"{EVENTS[lang]}{CANCEL[lang]}/{token}/"
