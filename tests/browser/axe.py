"""axe-core in the browser tests, written once: WCAG 2.1 AA rules, run on a settled page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# The rules Lighthouse 12's accessibility score counts beyond WCAG's tags (axe calls them best
# practice): a search dialog without a name cost every page 3-4 points while axe above passed it.
LIGHTHOUSE_EXTRA = {
    "runOnly": {
        "type": "rule",
        "values": [
            "accesskeys",
            "aria-allowed-role",
            "aria-dialog-name",
            "aria-text",
            "aria-treeitem-name",
            "empty-heading",
            "heading-order",
            "identical-links-same-purpose",
            "image-redundant-alt",
            "label-content-name-mismatch",
            "landmark-one-main",
            "skip-link",
            "table-duplicate-name",
            "tabindex",
            "target-size",
        ],
    }
}

# A CSS transition caught half-way (the theme fades header parts in and out) blends a colour with its
# background, and axe then measures a contrast no reader ever sees at rest: wait for finite animations.
_SETTLE = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null)))"""


def axe_report(page, options: dict = WCAG_AA) -> str:
    """The violations axe-core finds on the page as it stands at rest, or "" when there are none
    (WCAG 2.1 AA's rules, or `options`' as LIGHTHOUSE_EXTRA)."""
    page.evaluate(_SETTLE)
    results = Axe().run(page, options=options)
    return results.generate_report() if results.violations_count else ""
