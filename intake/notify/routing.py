"""Who hears about a new household: pure rules, no database and no Flask.

Every guide of every municipality the household chose; the coordinator for "not sure yet" and for
a municipality without a guide that can be e-mailed. Nothing is ever routed to nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    role: str  # "guide" or "coordinator"


@dataclass
class Routed:
    """One message: who gets it, and which of the chosen municipalities it is about (none: not sure)."""

    recipient: Recipient
    municipalities: list[str] = field(default_factory=list)


class NoRecipient(RuntimeError):
    """There is nobody to tell: the coordinator has no e-mail address."""


def route(
    municipalities: Iterable[str],
    guides: Mapping[str, list[Recipient]],
    coordinators: list[Recipient],
) -> list[Routed]:
    """The messages for a household that chose `municipalities` (empty: "not sure yet")."""
    if not coordinators:
        raise NoRecipient("no coordinator with an e-mail address to route to")
    by_address: dict[str, Routed] = {}

    def add(recipient: Recipient, slug: str | None) -> None:
        routed = by_address.setdefault(recipient.email.lower(), Routed(recipient))
        if slug and slug not in routed.municipalities:
            routed.municipalities.append(slug)

    chosen = list(dict.fromkeys(municipalities))
    for slug in chosen:
        for recipient in guides.get(slug) or coordinators:
            add(recipient, slug)
    if not chosen:
        for recipient in coordinators:
            add(recipient, None)
    return list(by_address.values())


def from_content(site) -> tuple[dict[str, list[Recipient]], list[Recipient]]:
    """Guides and coordinator from the content files (staff accounts replace them later)."""
    guides = {
        slug: [Recipient(g.email, g.name, "guide") for g in m.guides if g.email]
        for slug, m in site.municipalities.items()
    }
    c = site.region.coordinator
    coordinators = [Recipient(c.email, c.name or c.title.sv, "coordinator")] if c.email else []
    return guides, coordinators


def combine(
    accounts: tuple[dict[str, list[Recipient]], list[Recipient]],
    content: tuple[dict[str, list[Recipient]], list[Recipient]],
) -> tuple[dict[str, list[Recipient]], list[Recipient]]:
    """Staff accounts where a municipality (or the coordinator role) has them, content elsewhere."""
    account_guides, account_coordinators = accounts
    content_guides, content_coordinators = content
    guides = {
        slug: account_guides.get(slug) or content_guides.get(slug, []) for slug in {*content_guides, *account_guides}
    }
    return guides, account_coordinators or content_coordinators
