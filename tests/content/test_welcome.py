"""The welcome checklist in a municipality's content: valid steps load, a bad one is one clear line."""

from __future__ import annotations

import pytest

from tasteget.content.load import check

from tests.content.test_needs import MUNI, line_of, run_check

GOOD = (
    "welcome:\n"
    "  - key: folkbokforing\n"
    "    title: {sv: Folkbokför dig, en: Register your address}\n"
    "    text: {sv: Gör det **i dag**., en: Do it **today**.}\n"
    "    link: https://provregionen.se/folkbokforing\n"
    "  - key: vardcentral\n"
    "    title: {sv: Välj vårdcentral}\n"
)


def _add(sample, yaml: str) -> str:
    path = sample / MUNI
    text = path.read_text(encoding="utf-8") + yaml
    path.write_text(text, encoding="utf-8")
    return text


def test_a_municipality_loads_its_welcome_checklist_in_order(sample):
    _add(sample, GOOD)
    report = check(sample)
    assert report.errors == []
    steps = report.site.municipalities["kommun-0000"].welcome
    assert [s.key for s in steps] == ["folkbokforing", "vardcentral"]
    assert steps[0].title.get("en") == "Register your address" and steps[1].link is None
    assert steps[1].title.get("en") == "Välj vårdcentral"  # English falls back to Swedish


BAD = [
    (
        "same key twice",
        GOOD.replace("key: vardcentral", "key: folkbokforing"),
        "welcome",
        "welcome: more than one welcome step with the key folkbokforing: give each its own key",
    ),
    (
        "key with capitals",
        GOOD.replace("key: vardcentral", "key: Vårdcentral"),
        "  - key: Vårdcentral",
        'welcome[1].key: expected a short key of lower-case letters, digits and hyphens like "folkbokforing", '
        'got "Vårdcentral"',
    ),
    (
        "no title",
        "welcome:\n  - key: sfi\n",
        "  - key: sfi",
        "welcome[0].title: required field is missing",
    ),
    (
        "link not a web address",
        GOOD.replace("https://provregionen.se/folkbokforing", "skatteverket"),
        "    link:",
        'welcome[0].link: expected a web address starting with https://, got "skatteverket"',
    ),
]


@pytest.mark.parametrize(("yaml", "marker", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_welcome_step_is_one_line_with_file_line_and_field(sample, yaml, marker, message):
    text = _add(sample, yaml)
    lines = run_check(sample)
    assert f"content/{MUNI}:{line_of(text, marker)}: {message}" in lines, "\n".join(lines)
