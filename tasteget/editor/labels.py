"""The editor's Swedish words: a label for each field name and content folder, and the commit messages.

A name missing here is shown as the schema spells it, so a field or a file type a later change adds
still gets its place in the editor before it gets its Swedish words here.
"""

from __future__ import annotations

from ..site import labels as site_labels

FIELDS = {
    "address": "Gatuadress",
    "after_registering": "Efter registreringen",
    "alt": "Alternativtext (vad bilden visar)",
    "amenities": "Det här finns",
    "approximate": "Ungefärligt (visas som ”ca”)",
    "area_km2": "Landareal (km²)",
    "ask_needs": "Fråga efter behov för dagen",
    "audience": "För vem",
    "campaign": "Kampanjens namn",
    "capacity": "Antal platser",
    "centre": "Regioncentrum",
    "contact": "Kontakt för frågor",
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
    "end": "Slutar (klockan)",
    "ends_on": "Sista dagen",
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
    "join_url": "Länk för att delta online",
    "key": "Nyckel (kort namn på steget)",
    "kind": "Slag",
    "label": "Vad det mäter",
    "lan": "Länskod",
    "languages": "Språk",
    "leisure": "Fritid och natur",
    "link": "Länk",
    "links": "Fler länkar",
    "localities": "Orter och byar",
    "locality": "Ort",
    "magazine": "Tidningen",
    "moved_from": "Flyttade från",
    "municipalities": "Kommuner",
    "municipality": "Kommun (filnamn, t.ex. are)",
    "name": "Namn",
    "note": "Anteckning",
    "occupation": "Yrkesbenämning",
    "online": "Online",
    "organisation": "Organisation",
    "phone": "Telefon",
    "photo": "Porträtt",
    "photos": "Foton",
    "place": "Plats",
    "placeholder": "Platshållare (ännu inte ifylld)",
    "plot_queue": "Tomtkö",
    "population": "Befolkning",
    "price": "Pris",
    "rail": "Järnvägar",
    "rental_companies": "Hyresvärdar",
    "response_days": "Svarstid (arbetsdagar)",
    "roads": "Större vägar",
    "schools": "Skola och förskola",
    "seat": "Centralort",
    "sector": "Sektor",
    "ships_abroad": "Skickas utomlands",
    "sign_up": "Anmälan via webbplatsen",
    "sign_up_until": "Sista anmälningsdag",
    "src": "Bildfil under docs/",
    "ssyk": "Yrkesgrupp (SSYK)",
    "start": "Börjar (klockan)",
    "starts_on": "Dag",
    "stories": "Berättelsesidorna",
    "subject": "Ämnesrad",
    "summary": "Sammanfattning",
    "tagline": "Budskap",
    "targets": "Mål per år",
    "text": "Text",
    "time_zone": "Tidszon",
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
    "welcome": "Välkomstlista",
    "work": "Arbete",
    "year": "År",
}

# One item of a list of texts, by the list's field name.
ITEMS = {"employers": "Arbetsgivare", "localities": "Ort", "roads": "Väg", "rail": "Järnväg", "languages": "Språk"}

# Collections by the folder (or file) name their content lives under: (plural, singular, what it is).
# A collection missing here shows its folder's name and the field reference's English text.
COLLECTIONS = {
    "region": ("Regionen", "Regionen", "Inställningar för hela regionen: startsidan, samordnaren, tidningen."),
    "municipalities": (
        "Kommuner",
        "Kommun",
        "En fil per kommun; filnamnet är adressen till kommunens sida (are → /kommuner/are/). "
        "Kommunens längre text ligger i egna filer (are.md, are.en.md).",
    ),
    "municipality_texts": (
        "Kommunernas längre texter",
        "Kommuntext",
        "Den längre texten på kommunens sida, vanlig Markdown som börjar med ##-rubriker: are på svenska, "
        "are.en på engelska.",
    ),
    "stories": ("Berättelser", "Berättelse", "En fil per berättelse från en nyinflyttad eller ambassadör."),
    "messages": (
        "Meddelandemallar",
        "Meddelandemall",
        "Meddelanden som vägledarna utgår från när de skriver till ett hushåll, på båda språken.",
    ),
    "events": (
        "Evenemang",
        "Evenemang",
        "En fil per evenemang: informationskvällar, prova-på-helger, jobbmässor och träffar för nyinflyttade. "
        "Filnamnet är adressen (/evenemang/<filnamn>/); låt tidigare evenemang ligga kvar som arkiv.",
    ),
    "pages": (
        "Sidor (integritet, tillgänglighet)",
        "Sida",
        "Integritetsmeddelandet och tillgänglighetsredogörelsen, en fil per språk (.sv.md, .en.md).",
    ),
}

# Decap's commit messages, in Swedish; it fills in {{collection}}, {{slug}} and {{path}}. The commit's
# author is the communicator already (the git host commits as the signed-in account, the preview's
# backend as its user), so the message does not repeat a name, which the local backend lacks.
COMMIT_MESSAGES = {
    "create": "Ny {{collection}}: {{slug}} (via redigeraren)",
    "update": "Ändrar {{collection}}: {{slug}} (via redigeraren)",
    "delete": "Tar bort {{collection}}: {{slug}} (via redigeraren)",
    "uploadMedia": "Laddar upp {{path}} (via redigeraren)",
    "deleteMedia": "Tar bort {{path}} (via redigeraren)",
}

# Enum values shown in Swedish, as the site names them where it shows them; the value written to the
# file stays the schema's. ("both" is a need's sector and an event's audience: "Båda" serves both.)
OPTIONS = {
    **site_labels.AMENITIES["sv"],
    **site_labels.EVENT_KINDS["sv"],
    **site_labels.EVENT_AUDIENCES["sv"],
    "newcomer": "Inflyttad",
    "ambassador": "Ambassadör",
    "public": "Offentlig",
    "private": "Privat",
    "both": "Båda",
}


def field(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " ").capitalize())


def option(value: str) -> str:
    return OPTIONS.get(value, value)


# Each field's help text, in Swedish and for the editor (which quotes numbers-as-text itself), by
# "Model.field"; a field missing here shows the schema's own description.
HINTS = {
    "Municipality.welcome": "Stegen för en nyinflyttad familjs första månader (folkbokföring, skola, vårdcentral, "
    "svenska för invandrare, föreningar …): hushållet och vägledaren bockar av dem när familjen har flyttat hit.",
    "WelcomeItem.key": "Ett kort, fast namn på steget med små bokstäver och bindestreck, t.ex. folkbokforing; "
    "ändra det inte efter att hushåll har börjat bocka av.",
    "WelcomeItem.title": "Steget, som hushållet ser det i sin lista.",
    "WelcomeItem.text": "Hur man gör (Markdown går bra).",
    "WelcomeItem.link": "Var man gör det eller läser mer.",
    "Event.title": "Evenemangets namn, på en rad.",
    "Event.kind": "Informationskväll, prova-på-helg, jobbmässa eller träff för nyinflyttade.",
    "Event.audience": "Vilka det är till för: de som funderar på att flytta hit, de som har flyttat hit, eller båda.",
    "Event.description": "Vad som händer och för vem (Markdown går bra).",
    "Event.starts_on": "Dagen det börjar.",
    "Event.start": "När det börjar, som TT:MM, t.ex. 18:00.",
    "Event.end": "När det slutar, som TT:MM (sista dagen för ett evenemang över flera dagar).",
    "Event.ends_on": "Sista dagen, för ett evenemang över flera dagar (en prova-på-helg).",
    "Event.time_zone": "Tidszonen för tiderna, t.ex. Europe/Stockholm.",
    "Event.online": "På för ett evenemang online: länken skickas till dem som har en plats.",
    "Event.place": "Lokalen och adressen (behövs om det inte är online).",
    "Event.join_url": "Länken för att delta i ett evenemang online (https://…); den skickas bara till dem som har "
    "en plats, aldrig ut på webbplatsen. Behövs när evenemanget är online och man anmäler sig via webbplatsen.",
    "Event.municipalities": "Kommunerna det gäller (deras sidor visar det); inga för hela regionen.",
    "Event.capacity": "Hur många som får plats (platserna räknar personer); tomt för obegränsat.",
    "Event.sign_up": "På när man anmäler sig via webbplatsen.",
    "Event.sign_up_until": "Sista dagen att anmäla sig; utan den, dagen före evenemanget.",
    "Event.contact": "Vem som svarar på frågor om evenemanget; anmälningarna går till vägledarna, inte hit.",
    "Event.ask_needs": "På för att fråga efter behov för dagen (tillgänglighet, kost), under ett eget samtycke; "
    "svaren raderas en tid efter evenemanget.",
    "Event.photos": "Foton från evenemanget eller platsen.",
    "Region.name": "Regionens namn.",
    "Region.campaign": "Kampanjens och webbplatsens namn.",
    "Region.centre": "Regioncentrum, som restiderna räknas till.",
    "Region.lan": "Länskoden med två siffror, t.ex. 23. Med den visas Yrkesbarometerns bedömning för "
    "länet bredvid hela Sveriges.",
    "Region.tagline": "Kampanjens budskap, startsidans rubrik.",
    "Region.intro": "Varför just den här regionen: startsidans inledning.",
    "Region.facts": "Nyckeltal på startsidan.",
    "Fact.value": "Siffran, t.ex. ”ca 132 700”.",
    "Fact.label": "Vad den mäter, t.ex. ”invånare (2024)”.",
    "Region.coordinator": "Den regionala samordnaren, som svarar när ingen vägledare gör det.",
    "Contact.title": "Roll, t.ex. regional samordnare.",
    "Contact.name": "Personens namn, när det är känt.",
    "Contact.organisation": "Organisation.",
    "Contact.email": "Offentlig e-postadress.",
    "Contact.phone": "Telefonnummer.",
    "Contact.placeholder": "På tills en riktig kontakt är ifylld; kontrollen varnar så länge.",
    "Region.magazine": "Den tryckta tidningen som den som vill flytta kan beställa.",
    "Magazine.name": "Tidningens namn.",
    "Magazine.description": "Vad tidningen är och vem den är till för.",
    "Magazine.languages": "Språket eller språken den är skriven på, med två bokstäver (sv, en); "
    "beställningssidan nämner dem.",
    "Magazine.ships_abroad": "På om den skickas till adresser utanför Sverige också; av om bara inom "
    "Sverige (formuläret tar då bara svenska adresser).",
    "Magazine.price": "Vad den kostar, som beställningssidan ska säga det, t.ex. ”Gratis”.",
    "Magazine.delivery": "Hur lång tid det tar innan den kommer, t.ex. ”Inom två veckor i Sverige”.",
    "Region.after_registering": "Vad som händer efter att ett hushåll har registrerat sig.",
    "Region.response_days": "Antal arbetsdagar inom vilka en vägledare hör av sig.",
    "Region.controller": "Personuppgiftsansvarig, som integritetssidan nämner.",
    "Region.image": "Bild som visas när någon delar en länk till webbplatsen.",
    "Image.src": "Sökväg under docs/, t.ex. assets/images/are.jpg.",
    "Image.alt": "Vad bilden visar, på svenska och engelska (båda krävs).",
    "Region.stories": "Berättelsesidorna: hur nyinflyttade erbjuder sin berättelse.",
    "Stories.invite": "Inbjudan att berätta, på berättelsesidorna.",
    "StoryInvite.text": "Inbjudan: vilka ni vill höra från och vad som händer sedan.",
    "StoryInvite.email": "Dit berättelser skickas: adressen till den som samlar in dem.",
    "StoryInvite.link": "Ett kort formulär för att berätta (https://), i stället för eller utöver e-postadressen.",
    "Municipality.name": "Kommunens namn. En ny kommuns filnamn blir namnet utan å, ä och ö (Åre → are).",
    "Municipality.summary": "En eller två meningar: sidans beskrivning och kortet på startsidan.",
    "Municipality.population": "Befolkning och vilket år siffran gäller.",
    "Population.count": "Antal invånare.",
    "Population.year": "Året siffran gäller.",
    "Population.approximate": "Visas med ”ca” när den är på.",
    "Municipality.area_km2": "Landareal i km².",
    "Municipality.seat": "Centralorten.",
    "Municipality.localities": "Andra orter och byar.",
    "Municipality.travel": "Resor och förbindelser.",
    "Travel.to_centre": "Resan till regioncentrum (som regionen anger).",
    "Travel.to_airport": "Resan till närmaste flygplats.",
    "Travel.roads": "Större vägar.",
    "Travel.rail": "Järnvägar.",
    "Municipality.work": "Arbete, arbetsgivare och kompetensbehov.",
    "Work.industries": "Näringsliv och arbetsmarknad.",
    "Work.employers": "Stora arbetsgivare, med namn.",
    "Work.in_demand": "Yrken som kommunen behöver: kompetensbehoven som kampanjen visar.",
    "Need.ssyk": "Yrkesgruppen (SSYK 2012). Sök på kod eller namn.",
    "Need.occupation": "En yrkesbenämning, när behovet är smalare än yrkesgruppen. Väljer du båda "
    "måste benämningen höra till gruppen.",
    "Need.note": "En anteckning, t.ex. vilka arbetsgivare eller var.",
    "Need.employer": "Arbetsgivaren, om det är en.",
    "Need.sector": "Offentlig sektor, privat eller båda.",
    "Need.vacancies": "En webbadress (https://) med lediga jobb.",
    "Municipality.schools": "Skola och förskola.",
    "Municipality.housing": "Att hitta ett boende.",
    "Housing.text": "Hur man hittar ett boende där.",
    "Housing.rental_companies": "Hyresvärdar (kommunala och privata).",
    "Link.title": "Länktext.",
    "Link.url": "Webbadress.",
    "Housing.plot_queue": "Kommunens tomtkö.",
    "Housing.house_inventory": "Inventering av tomma hus till salu eller att hyra.",
    "Municipality.leisure": "Fritid och natur.",
    "Municipality.guides": "Inflyttarvägledaren eller vägledarna; minst en.",
    "Guide.name": "Namn, eller rollen så länge tjänsten är en platshållare.",
    "Guide.title": "Titel.",
    "Guide.phone": "Telefonnummer.",
    "Guide.email": "Offentlig e-postadress.",
    "Guide.photo": "Porträtt, om du vill.",
    "Guide.placeholder": "På tills en riktig person är ifylld; kontrollen varnar så länge.",
    "Municipality.coworking": "Coworkingplatser i kommunen.",
    "Coworking.name": "Platsens namn.",
    "Coworking.locality": "Ort eller by.",
    "Coworking.address": "Gatuadress.",
    "Coworking.desks": "Antal fasta skrivplatser.",
    "Coworking.drop_in": "Drop in-platser finns.",
    "Coworking.amenities": "Det som finns på platsen; filtret på coworkingsidan använder dem.",
    "Coworking.price": "Prisuppgifter.",
    "Coworking.description": "En kort beskrivning.",
    "Coworking.website": "Webbadress.",
    "Coworking.trial_living": "Erbjuder prova på-boende.",
    "Coworking.photos": "Foton av platsen, som visas med den.",
    "Photo.file": "Bildfilen: JPEG, PNG eller WebP, minst 1200 pixlar bred (helst 1600). Bygget gör "
    "mindre storlekar och tar bort kamerans uppgifter (plats, datum).",
    "Photo.alt": "Vad bilden visar, på svenska och engelska (båda krävs).",
    "Photo.credit": "Vem som tog bilden och under vilken licens eller med vilket tillstånd; visas under bilden.",
    "Municipality.links": "Fler länkar.",
    "Municipality.photos": "Foton av kommunen: det första är sidans stora bild (och bilden när någon delar "
    "en länk), de andra följer texten. En lansering kräver minst ett.",
    "Municipality.targets": "Mål per år ur kommunens handlingsplan, ett per år.",
    "Target.year": "Året målet gäller.",
    "Target.households_moved": "Hushåll som kommunen vill se flytta dit det året.",
    "Target.households_with_needed_skills": "Av dem, hushåll med en kompetens som kommunen behöver.",
    "Story.name": "Namn på personerna i berättelsen.",
    "Story.kind": "Inflyttad eller ambassadör.",
    "Story.moved_from": "Varifrån de kom.",
    "Story.municipality": "Kommunens filnamn, t.ex. are.",
    "Story.year": "Året de flyttade.",
    "Story.title": "Rubrik.",
    "Story.text": "Berättelsen.",
    "Story.photos": "Foton till berättelsen, med skriftligt samtycke från dem som syns: det första "
    "överst, de andra efter texten.",
    "Message.title": "Det vägledaren väljer i listan, t.ex. ”Första kontakten”.",
    "Message.subject": "E-postens ämnesrad: en rad, högst 150 tecken, på båda språken.",
    "Message.text": "E-postens text: vanlig text, högst 5000 tecken, på båda språken; en tom rad mellan "
    "stycken. Ord inom klammerparentes, t.ex. {guide}, fylls i när vägledaren väljer mallen.",
    "Page.title": "Sidans rubrik.",
    "Page.description": "En mening för sökmotorer och delade länkar.",
    "Page.updated": "Datum då sidan senast granskades.",
}


def hint(model: str, name: str, description: str | None) -> str | None:
    return HINTS.get(f"{model}.{name}", description)
