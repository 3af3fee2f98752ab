"""Occupations and skill needs in the back office: each adult's occupation on a household's page,
the list's filters by need, group and field, and the page of households that match the needs,
which follows the content when a municipality lists a need."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import update

from intake import create_app, db
from intake.models import Household
from tasteget.site import stamp

from tests.support.helpers import ROOT
from tests.support.intake_helpers import intake_config, register, staff_login


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def logged_in(app, staff, role, *municipalities):
    client = app.test_client()
    assert staff_login(client, staff(role, *municipalities)).status_code == 303
    return client


def set_status(app, reference, **values):
    with app.app_context():
        session = db.session()
        session.execute(update(Household).where(Household.reference == reference).values(**values))
        session.commit()


def test_a_households_page_shows_each_adults_occupation_group_matches_and_barometer(app, client, staff):
    nurse = register(client, occupation="Sjuksköterska", partner_occupation="Präst", municipalities=["are", "berg"])
    page = text(logged_in(app, staff, "guide", "are").get(f"/crm/households/{nurse}/"))
    assert "Yrken och kompetensbehov" in page  # the staff's language is Swedish
    assert "2221 Grundutbildade sjuksköterskor" in page
    assert "Matchar behoven i" in page and "Åre, Berg" in page
    assert "Grundutbildade sjuksköterskor: <strong>brist</strong>" in page
    assert "Arbetsförmedlingens Yrkesbarometer, Sverige som helhet, omgång 2026-1" in page
    # The partner: a group no municipality needs, which the barometer does not assess.
    assert "2671 Präster" in page and "ingen av de valda kommunerna" in page and "ingen bedömning" in page


def test_a_household_not_sure_where_matches_the_regions_needs_and_a_situation_is_named(app, client, staff):
    unsure = register(client, occupation="Kock", partner_occupation="Pensionär", municipalities=["unsure"])
    page = text(logged_in(app, staff, "coordinator").get(f"/crm/households/{unsure}/"))
    assert "5120 Kockar" in page and "regionens behov" in page
    assert "Pensionär" in page and "Situation" in page


def test_a_guide_who_may_not_see_a_household_sees_none_of_its_occupations(app, client, staff):
    nurse = register(client, occupation="Sjuksköterska", municipalities=["berg"])
    guide = logged_in(app, staff, "guide", "are")
    assert guide.get(f"/crm/households/{nurse}/").status_code == 404
    assert nurse not in text(guide.get("/crm/needs/"))
    assert nurse not in text(guide.get("/crm/households/?ssyk=2221"))


def test_the_list_filters_by_need_group_and_field_with_the_other_filters(app, client, staff):
    nurse = register(client, email="n@example.com", occupation="Sjuksköterska", municipalities=["are"])
    cook = register(
        client, email="k@example.com", occupation="Präst", partner_occupation="Kock", municipalities=["krokom"]
    )
    priest = register(client, email="p@example.com", occupation="Präst", partner_occupation="", municipalities=["are"])
    nothing = register(
        client, email="x@example.com", occupation="Snickare", partner_occupation="", municipalities=["are"]
    )
    coordinator = logged_in(app, staff, "coordinator")

    def listed(query):
        page = text(coordinator.get(f"/crm/households/?{query}"))
        return {ref for ref in (nurse, cook, priest, nothing) if ref in page}

    assert listed("need=1") == {nurse, cook}
    assert listed("ssyk=2671") == {cook, priest}
    assert listed("field=5") == {cook}
    assert listed("field=2") == {nurse, cook, priest}
    assert listed("need=1&municipality=are") == {nurse}
    assert listed("field=2&municipality=are&status=new") == {nurse, priest}
    set_status(app, nurse, status="contacted")
    assert listed("field=2&municipality=are&status=new") == {priest}
    assert listed("ssyk=99999") == listed("field=x") == set()  # nonsense matches nothing, never a 500
    page = text(coordinator.get("/crm/households/?ssyk=2671"))
    assert '<option value="2671" selected>2671 Präster</option>' in page  # a group chosen by a link stays chosen
    assert '<option value="2221">2221 Grundutbildade sjuksköterskor</option>' in page


def test_the_filters_keep_paging(app, client, staff, monkeypatch):
    from intake.crm import households

    monkeypatch.setattr(households, "PAGE_SIZE", 2)
    refs = [
        register(client, email=f"n{i}@example.com", occupation="Sjuksköterska", municipalities=["are"])
        for i in range(3)
    ]
    priest = register(client, email="p@example.com", occupation="Präst", partner_occupation="", municipalities=["are"])
    coordinator = logged_in(app, staff, "coordinator")
    first = text(coordinator.get("/crm/households/?need=1&field=2"))
    assert "3 hushåll" in first and "need=1" in first and "field=2" in first
    second = text(coordinator.get("/crm/households/?need=1&field=2&page=2"))
    assert {r for r in refs if r in first} | {r for r in refs if r in second} == set(refs)
    assert priest not in first and priest not in second  # page 2 keeps the filters too


def test_the_needs_page_lists_open_matching_households_per_municipality(app, client, staff):
    nurse = register(client, email="n@example.com", occupation="Sjuksköterska", municipalities=["are", "berg"])
    moved = register(client, email="m@example.com", occupation="Sjuksköterska", municipalities=["are"])
    withdrawn = register(client, email="w@example.com", occupation="Sjuksköterska", municipalities=["are"])
    quarantined = register(
        client, email="q@example.com", occupation="Sjuksköterska", municipalities=["are"], website="x"
    )
    both = register(
        client,
        email="b@example.com",
        occupation="Sjuksköterska",
        partner_occupation="Sjuksköterska",
        municipalities=["are"],
    )
    unsure = register(client, email="u@example.com", occupation="Kock", municipalities=["unsure"])
    set_status(app, moved, status="moved", moved_to="are")

    set_status(app, withdrawn, withdrawn_at=datetime.now(UTC))

    guide = logged_in(app, staff, "guide", "are")
    page = text(guide.get("/crm/needs/"))
    assert "Hushåll som matchar våra behov" in page
    assert 'aria-current="page">Matchar våra behov' in page  # in the navigation
    assert nurse in page and both in page
    for hidden in (moved, withdrawn, quarantined, unsure):
        assert hidden not in page
    row = page[page.index("2221 Grundutbildade sjuksköterskor") :].split("</tr>")[0]
    assert '<td class="number">2</td>' in row  # both adults nurses: one household
    assert "Berg" not in page.split("<main")[1]  # only the guide's municipality
    assert "Inga egna behov inlagda ännu: regionens" in page

    everything = text(logged_in(app, staff, "coordinator").get("/crm/needs/"))
    assert nurse in everything.split('id="need-berg"')[1]
    assert unsure in everything.split('id="need-unsure"')[1]


def test_a_guide_without_matching_households_or_municipalities_gets_a_helpful_page(app, client, staff):
    page = text(logged_in(app, staff, "guide", "ragunda").get("/crm/needs/"))
    assert "Inget öppet hushåll har något av de här yrkena ännu." in page
    assert "yrkesgrupper som inget hushåll har ännu" in page


@pytest.fixture
def editable(app, tmp_path):
    """A web app on a copy of the content, with a site folder whose build stamp the test moves."""
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    site = tmp_path / "site"
    stamp.stamp_path(site).parent.mkdir(parents=True)
    stamp.write(site)
    web = create_app(intake_config(app.config["DATABASE_URL"], site, CONTENT_DIR=str(content)))
    yield content, site, web
    web.extensions["db_engine"].dispose()


def test_a_need_a_municipality_lists_shows_after_the_content_reload(app, client, staff, editable):
    content, site, web = editable
    priest = register(client, occupation="Präst", partner_occupation="", municipalities=["are"])
    guide = web.test_client()
    email = staff("guide", "are")
    assert staff_login(guide, email).status_code == 303
    before = text(guide.get("/crm/needs/"))
    assert priest not in before and "2671 Präster" not in before

    path = content / "municipalities" / "are.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  employers: [Lundhags]\n", '  employers: [Lundhags]\n  in_demand:\n    - ssyk: "2671"\n'
        ),
        encoding="utf-8",
    )
    assert priest not in text(guide.get("/crm/needs/"))  # not yet: the site is not rebuilt
    stamp.write(site)
    after = text(guide.get("/crm/needs/"))
    assert "2671 Präster" in after and priest in after
    assert "1 yrkesgrupp som kommunen själv har lagt in." in after
    assert priest in text(guide.get("/crm/households/?need=1"))


def test_only_guides_and_the_coordinator_see_the_needs_page(app, staff):
    assert logged_in(app, staff, "admin").get("/crm/needs/").status_code == 404
    assert app.test_client().get("/crm/needs/").status_code in (302, 303)


def test_a_long_group_shows_its_newest_households_and_links_to_the_rest(app, client, staff, monkeypatch):
    from intake.crm import needs

    monkeypatch.setattr(needs, "SHOWN_PER_GROUP", 1)
    older = register(client, email="o@example.com", occupation="Sjuksköterska", municipalities=["are"])
    newer = register(client, email="n@example.com", occupation="Sjuksköterska", municipalities=["are"])
    set_status(app, older, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    page = text(logged_in(app, staff, "guide", "are").get("/crm/needs/"))
    row = page[page.index("2221 Grundutbildade sjuksköterskor") :].split("</tr>")[0]
    assert '<td class="number">2</td>' in row and newer in row and older not in row
    assert '"/crm/households/?municipality=are&ssyk=2221"' in row
