"""A known dataset for the campaign's figures, as plain records and stored in the CRM."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from intake import db
from intake.figures.counts import HouseholdRecord, OrderRecord
from intake.models import Household, HouseholdMunicipality, MagazineOrder, PrivacyNotice


def h(
    registered,
    municipalities=(),
    source=None,
    status="new",
    contact=None,
    moved_to=None,
    moved_on=None,
    follow=None,
    ssyk=None,
    partner_ssyk=None,
    heard=None,
    country="SE",
):
    day = date.fromisoformat
    return HouseholdRecord(
        registered=day(registered),
        municipalities=tuple(municipalities),
        source=source,
        status=status,
        first_contact=day(contact) if contact else None,
        moved_to=moved_to,
        moved_on=day(moved_on) if moved_on else None,
        follow_up_on=day(follow) if follow else None,
        contact_ssyk=ssyk,
        partner_ssyk=partner_ssyk,
        heard_from=heard,
        country=country,
    )


# Occupation groups: 2221 (nurses), 5321 (assistant nurses) and 2512 (software developers) are among
# the national shortage groups the shipped content's municipalities stand on; 1111 (legislators) is not.
DATASET = [
    h(
        "2026-01-10",
        ["are", "berg", "krokom"],
        "facebook",
        "moved",
        "2026-01-12",
        "are",
        "2026-05-01",
        ssyk="2221",
        heard="social",
        country="NO",
    ),
    h(
        "2026-01-20",
        ["are"],
        "facebook",
        "contacted",
        "2026-01-25",
        follow="2026-02-01",
        ssyk="1111",
        partner_ssyk="5321",
        heard="social",
    ),
    h("2026-02-03", [], None, "new", ssyk="2512"),
    h(
        "2026-02-14",
        ["ostersund"],
        "magasinet",
        "settled",
        "2026-02-15",
        "ostersund",
        "2026-03-01",
        ssyk="1111",
        heard="magazine",
        country="DE",
    ),
    h("2026-03-01", ["berg"], "magasinet", "closed", "2026-03-10", follow="2026-03-05"),
]
ORDERS = [
    OrderRecord(date(2026, 1, 5), "magasinet"),
    OrderRecord(date(2026, 2, 5), None),
    OrderRecord(date(2026, 4, 1), None),
]


def store(app, households=DATASET, orders=ORDERS, at: time = time()) -> None:
    """The records as households and orders in the CRM, with a quarantined one of each that never counts;
    what happened on a day happened at `at` (UTC) of that day."""

    def _at(day: date | None) -> datetime | None:
        return datetime.combine(day, at, UTC) if day else None

    common = {"form_language": "sv", "privacy_version": "v1", "consented_at": datetime.now(UTC)}
    person = {"contact_channel": "email", "contact_language": "sv", "place": "P", "occupation": "O", "timeframe": "6m"}
    with app.app_context():
        s = db.session()
        s.add(PrivacyNotice(version="v1", language="sv", text="x"))
        s.flush()
        for i, r in enumerate(households):
            s.add(
                Household(
                    **common,
                    **person,
                    country=r.country or "SE",
                    heard_from=r.heard_from,
                    reference=f"H-TEST-{i:04d}",
                    submission_id=f"s{i:016d}",
                    created_at=_at(r.registered),
                    name="X",
                    email=f"x{i}@example.com",
                    status=r.status,
                    utm_source=r.source,
                    unsure=not r.municipalities,
                    municipalities=[HouseholdMunicipality(municipality=m) for m in r.municipalities],
                    first_contacted_at=_at(r.first_contact),
                    moved_to=r.moved_to,
                    moved_on=r.moved_on,
                    follow_up_on=r.follow_up_on,
                    occupation_ssyk=r.contact_ssyk,
                    partner_occupation_ssyk=r.partner_ssyk,
                )
            )
        s.add(
            Household(
                **common,
                **person,
                country="SE",
                heard_from="social",
                reference="H-QUAR-0000",
                submission_id="q" * 16,
                name="Bot",
                email="bot@example.com",
                utm_source="facebook",
                municipalities=[HouseholdMunicipality(municipality="are")],
                occupation_ssyk="2221",
                quarantine_reason="honeypot",
            )
        )
        for i, o in enumerate(orders):
            s.add(
                MagazineOrder(
                    **common,
                    country="SE",
                    reference=f"M-TEST-{i:04d}",
                    submission_id=f"o{i:016d}",
                    created_at=_at(o.ordered),
                    name="N",
                    street="S",
                    postal_code="831 31",
                    city="C",
                    utm_source=o.source,
                    address_key=f"k{i}",
                )
            )
        s.add(
            MagazineOrder(
                **common,
                country="SE",
                reference="M-QUAR-0000",
                submission_id="q" * 15 + "o",
                name="Bot",
                street="S",
                postal_code="831 31",
                city="C",
                quarantine_reason="too_fast",
            )
        )
        s.commit()
