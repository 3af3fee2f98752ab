"""Ambassadors: what they offer kept on the network contact (the country of origin only with their
opt-in), suggested on a household's page ranked with the reasons, and an introduction recorded on
the timeline by the ambassador's number only."""

from __future__ import annotations

import re

import pytest

from intake.models import AuditEntry, Contact, ContactChange, HouseholdContact, HouseholdEvent
from intake.pipeline.ambassadors import Offer, Seeker, rank

from tests.support.intake_helpers import REGISTRATION, hidden_fields, make_staff, staff_login, submit


def seeker(languages=(), country=None, fields=(), municipalities=()):
    return Seeker(frozenset(languages), country, frozenset(fields), frozenset(municipalities))


def offer(id, languages=(), country=None, field=None, municipality=None):
    return Offer(id, frozenset(languages), country, field, municipality)


@pytest.mark.parametrize(
    ("who", "offers", "expected"),
    [
        # nothing in common: nobody suggested
        (seeker(["ar"], "SY", ["2"], ["are"]), [offer(1, ["so"], "SO", "7", "berg")], []),
        # language or country (3) before field (2) before municipality (1)
        (
            seeker(["ar"], "SY", ["2"], ["are"]),
            [offer(1, municipality="are"), offer(2, field="2"), offer(3, ["ar"])],
            [(3, 3, (("language", "ar"),)), (2, 2, (("field", "2"),)), (1, 1, (("municipality", "are"),))],
        ),
        # the reasons add up; two shared languages count as one language
        (
            seeker(["ar", "fr"], "SY", ["2"], ["are"]),
            [offer(1, ["ar", "fr"]), offer(2, ["ar"], field="2", municipality="are")],
            [
                (2, 6, (("language", "ar"), ("field", "2"), ("municipality", "are"))),
                (1, 3, (("language", "ar"), ("language", "fr"))),
            ],
        ),
        # same country of origin, and ties go to the longer-standing contact (lower id)
        (
            seeker([], "SY", [], []),
            [offer(9, country="SY"), offer(4, country="SY")],
            [(4, 3, (("country", "SY"),)), (9, 3, (("country", "SY"),))],
        ),
        # a household with no facts matches nobody
        (seeker(), [offer(1, ["ar"], "SY", "2", "are")], []),
    ],
)
def test_ranking(who, offers, expected):
    assert [(s.id, s.score, s.reasons) for s in rank(who, offers)] == expected


def test_at_most_five_are_suggested():
    assert len(rank(seeker(municipalities=["are"]), [offer(i, municipality="are") for i in range(9)])) == 5


def logged_in(app, email, role, *places):
    client = app.test_client()
    staff_login(client, make_staff(app, email, role, places))
    return client


def add_contact(client, **data):
    token = hidden_fields(client.get("/crm/contacts/").get_data(as_text=True))["csrf_token"]
    return client.post("/crm/contacts/", data={"csrf_token": token, "kind": "ambassador", **data})


def edit_contact(client, contact_id, **data):
    token = hidden_fields(client.get(f"/crm/contacts/{contact_id}/").get_data(as_text=True))["csrf_token"]
    # As a browser sends the form: every select with its value, empty ones too.
    fields = {"csrf_token": token, "kind": "ambassador", "origin_country": "", "occupation_field": "", **data}
    return client.post(f"/crm/contacts/{contact_id}/", data=fields)


AMIRA = {
    "person": "Amira Haddad",
    "municipality": "are",
    "agreed_on": "2026-11-01",
    "languages": "ar, en",
    "occupation_field": "2",
    "interests": "Skidor och matlagning",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"languages": "arabiska"}, "languages", "Skriv språkkoder med två bokstäver"),
        ({"languages": "ar, xx"}, "languages", "Skriv språkkoder med två bokstäver"),
        ({"agreed_on": "igår"}, "agreed_on", "Inte ett giltigt datum"),
        ({"occupation_field": "12"}, "occupation_field", "Välj ett av alternativen"),
        ({"origin_country": "SY"}, "origin_country", "Bocka i samtycket eller lämna landet tomt"),
        ({"origin_country": "XX", "origin_consent": "y"}, "origin_country", "Välj ett av alternativen"),
    ],
)
def test_an_ambassadors_bad_input_is_answered_next_to_its_field(app, rows, changes, field, message):
    coordinator = logged_in(app, "samordnare@region.example", "coordinator")
    response = add_contact(coordinator, **{**AMIRA, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and error.group(1).strip().startswith(message), error and error.group(1)
    assert "Amira Haddad" in page and rows(Contact) == []


def test_the_country_of_origin_is_kept_only_with_the_opt_in(app, rows):
    coordinator = logged_in(app, "samordnare@region.example", "coordinator")
    assert add_contact(coordinator, **AMIRA, origin_country="SY", origin_consent="y").status_code == 303
    [amira] = rows(Contact)
    assert (amira.languages, amira.occupation_field, amira.origin_country) == (["ar", "en"], "2", "SY")
    assert amira.origin_consent_on is not None and str(amira.agreed_on) == "2026-11-01"
    page = coordinator.get(f"/crm/contacts/{amira.id}/").get_data(as_text=True)
    assert "arabiska, engelska" in page and "Syrien (samtycke " in page
    assert "kan avslöja etniskt ursprung" in page  # the form's hint says why it is sensitive
    # A change of interests keeps the country in the change's "before"...
    assert (
        edit_contact(
            coordinator, amira.id, **{**AMIRA, "interests": "Fiske"}, origin_country="SY", origin_consent="y"
        ).status_code
        == 303
    )
    assert rows(ContactChange)[0].before["origin_country"] == "SY"
    # ...until the opt-in is withdrawn: then it goes from the contact and from every change.
    assert edit_contact(coordinator, amira.id, **AMIRA, origin_country="SY").status_code == 422  # no tick, no country
    assert edit_contact(coordinator, amira.id, **AMIRA).status_code == 303
    [amira] = rows(Contact)
    assert amira.origin_country is None and amira.origin_consent_on is None
    assert all(change.before.get("origin_country") is None for change in rows(ContactChange))
    page = coordinator.get(f"/crm/contacts/{amira.id}/").get_data(as_text=True)
    assert "<dt>Ursprungsland</dt><dd>–</dd>" in page and "(samtycke " not in page
    assert not re.search(r'<option selected value="SY">|value="SY" selected', page)  # nor in the history
    # Another kind of contact keeps no offer.
    assert edit_contact(coordinator, amira.id, **AMIRA, kind="employer").status_code == 303
    [amira] = rows(Contact)
    assert (amira.languages, amira.agreed_on, amira.occupation_field) == (None, None, None)


def test_ambassadors_are_suggested_and_an_introduction_is_on_the_timeline(app, client, rows):
    reference = (
        submit(
            client,
            "/registrera/",
            {**REGISTRATION, "country": "SY", "municipalities": ["are"], "occupation": "Sjuksköterska"},
        )
        .headers["Location"]
        .split("/")[-2]
    )
    coordinator = logged_in(app, "samordnare@region.example", "coordinator")
    for contact in (
        AMIRA,
        {"person": "Bo Berg", "municipality": "are", "agreed_on": "2026-10-01", "languages": "sv"},
        {"person": "Not Yet", "municipality": "are", "languages": "ar"},  # has not agreed
        {"person": "Lars Lapp", "municipality": "berg", "agreed_on": "2026-10-01", "languages": "fi"},
    ):
        assert add_contact(coordinator, **contact).status_code == 303
    ids = {c.person: c.id for c in rows(Contact)}
    guide = logged_in(app, "guide@are.example", "guide", "are")
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="ambassadors">.*?</section>', page, re.S).group(0)
    assert "Föreslagna ambassadörer" in section
    assert (
        "Amira Haddad</a>: talar arabiska, samma yrkesområde (Yrken med krav på fördjupad högskolekompetens), bor i Åre"
        in section
    )
    assert section.index("Amira Haddad") < section.index("Bo Berg")  # the better match first
    assert "Bo Berg</a>: bor i Åre" in section
    assert "Not Yet" not in section and "Lars Lapp" not in section  # not agreed; nothing in common
    token = hidden_fields(page)["csrf_token"]
    introduced = guide.post(
        f"/crm/households/{reference}/ambassadors/", data={"csrf_token": token, "ambassador": ids["Amira Haddad"]}
    )
    assert introduced.status_code == 303
    assert [link.contact_id for link in rows(HouseholdContact)] == [ids["Amira Haddad"]]
    [step] = rows(HouseholdEvent, HouseholdEvent.kind == "ambassador")
    assert step.new == f"#{ids['Amira Haddad']}" and step.text is None
    [audit] = rows(AuditEntry, AuditEntry.detail == "ambassador")
    assert audit.reference == reference and "Amira" not in (audit.detail or "")
    page = guide.get(f"/crm/households/{reference}/").get_data(as_text=True)
    assert re.search(rf'introducerad för ambassadör <a href="/crm/contacts/{ids["Amira Haddad"]}/">#', page)
    section = re.search(r'<section aria-labelledby="ambassadors">.*?</section>', page, re.S).group(0)
    assert "Amira Haddad" not in section  # introduced already: no longer suggested
    # Only agreed ambassadors can be introduced this way.
    refused = guide.post(
        f"/crm/households/{reference}/ambassadors/", data={"csrf_token": token, "ambassador": ids["Not Yet"]}
    )
    assert refused.status_code == 422
    no_token = guide.post(f"/crm/households/{reference}/ambassadors/", data={"ambassador": ids["Bo Berg"]})
    assert no_token.status_code in (400, 422) and len(rows(HouseholdContact)) == 1
