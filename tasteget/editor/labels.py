"""The editor's Swedish words: a label for each field name and content folder, and the commit messages.

A name missing here is shown as the schema spells it, so a field or a file type a later change adds
still gets its place in the editor before it gets its Swedish words here.
"""

from __future__ import annotations

FIELDS = {
    "address": "Gatuadress",
    "after_registering": "Efter registreringen",
    "alt": "Alternativtext (vad bilden visar)",
    "amenities": "Det här finns",
    "approximate": "Ungefärligt (visas som ”ca”)",
    "area_km2": "Landareal (km²)",
    "campaign": "Kampanjens namn",
    "centre": "Regioncentrum",
    "controller": "Personuppgiftsansvarig",
    "coordinator": "Regional samordnare",
    "count": "Antal invånare",
    "coworking": "Coworkingplatser",
    "credit": "Fotograf och licens",
    "delivery": "Leveranstid",
    "description": "Beskrivning",
    "desks": "Fasta skrivplatser",
    "drop_in": "Drop in-platser",
    "email": "E-postadress",
    "employer": "Arbetsgivare",
    "employers": "Stora arbetsgivare",
    "facts": "Nyckeltal",
    "file": "Bild",
    "guides": "Inflyttarvägledare",
    "house_inventory": "Inventering av tomma hus",
    "households_moved": "Hushåll som flyttar hit",
    "households_with_needed_skills": "Varav hushåll med efterfrågad kompetens",
    "housing": "Boende",
    "image": "Bild för delade länkar",
    "in_demand": "Kompetensbehov",
    "industries": "Näringsliv och arbetsmarknad",
    "intro": "Inledning",
    "invite": "Inbjudan att berätta",
    "kind": "Slag",
    "label": "Vad det mäter",
    "lan": "Länskod",
    "languages": "Språk",
    "leisure": "Fritid och natur",
    "link": "Länk till formulär",
    "links": "Fler länkar",
    "localities": "Orter och byar",
    "locality": "Ort",
    "magazine": "Tidningen",
    "moved_from": "Flyttade från",
    "municipality": "Kommun (filnamn, t.ex. are)",
    "name": "Namn",
    "note": "Anteckning",
    "occupation": "Yrkesbenämning",
    "organisation": "Organisation",
    "phone": "Telefon",
    "photo": "Porträtt",
    "photos": "Foton",
    "placeholder": "Platshållare (ännu inte ifylld)",
    "plot_queue": "Tomtkö",
    "population": "Befolkning",
    "price": "Pris",
    "rail": "Järnvägar",
    "rental_companies": "Hyresvärdar",
    "response_days": "Svarstid (arbetsdagar)",
    "roads": "Större vägar",
    "schools": "Skola och förskola",
    "sector": "Sektor",
    "seat": "Centralort",
    "ships_abroad": "Skickas utomlands",
    "src": "Bildfil under docs/",
    "ssyk": "Yrkesgrupp (SSYK)",
    "stories": "Berättelsesidorna",
    "subject": "Ämnesrad",
    "summary": "Sammanfattning",
    "tagline": "Budskap",
    "targets": "Mål per år",
    "text": "Text",
    "title": "Rubrik",
    "to_airport": "Till flygplats",
    "to_centre": "Till regioncentrum",
    "travel": "Resor och förbindelser",
    "trial_living": "Prova på-boende",
    "updated": "Senast granskad",
    "url": "Webbadress",
    "vacancies": "Lediga jobb (webbadress)",
    "value": "Värde",
    "website": "Webbplats",
    "work": "Arbete",
    "year": "År",
}

# Collections by the folder (or file) name their content lives under: (plural, singular).
COLLECTIONS = {
    "region": ("Regionen", "Regionen"),
    "municipalities": ("Kommuner", "Kommun"),
    "stories": ("Berättelser", "Berättelse"),
    "messages": ("Meddelandemallar", "Meddelandemall"),
    "pages": ("Sidor (integritet, tillgänglighet)", "Sida"),
    "events": ("Evenemang", "Evenemang"),
}

# Decap's commit messages, in Swedish; it fills in {{collection}}, {{slug}}, {{path}} and {{author-name}}.
COMMIT_MESSAGES = {
    "create": "Ny {{collection}}: {{slug}} (via redigeraren, {{author-name}})",
    "update": "Ändrar {{collection}}: {{slug}} (via redigeraren, {{author-name}})",
    "delete": "Tar bort {{collection}}: {{slug}} (via redigeraren, {{author-name}})",
    "uploadMedia": "Laddar upp {{path}} (via redigeraren, {{author-name}})",
    "deleteMedia": "Tar bort {{path}} (via redigeraren, {{author-name}})",
}

# Enum values shown in Swedish; the value written to the file stays the schema's.
OPTIONS = {
    "newcomer": "Inflyttad",
    "ambassador": "Ambassadör",
    "public": "Offentlig",
    "private": "Privat",
    "both": "Båda",
    "meeting_room": "Mötesrum",
    "phone_room": "Telefonrum",
    "kitchen": "Kök",
    "wifi": "Wifi",
    "printer": "Skrivare",
    "parking": "Parkering",
    "lockers": "Förvaringsskåp",
    "event_space": "Eventlokal",
    "access_24h": "Tillgång dygnet runt",
}


def field(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " ").capitalize())


def option(value: str) -> str:
    return OPTIONS.get(value, value)
