"""The content schema: every file, field and type that communicators write.

The check, the site and the field reference (`tasteget reference`) all read these models, so the
documentation cannot drift from what is validated. Each field's description and example are what
the reference shows.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..occupations import taxonomy
from . import needs

# Pydantic's EmailStr rejects the reserved `.example` domain that placeholders must use, so a plain
# shape check is enough here: content e-mail addresses are published, not verified.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_PATTERN = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
PLACEHOLDER_DOMAINS = (".example", ".test", ".invalid")


class Invalid(ValueError):
    """A value the schema refuses, with the message in Swedish too (`errors.explain` reads `sv`)."""

    def __init__(self, message: str, sv: str):
        super().__init__(message)
        self.sv = sv


def _email(value: str) -> str:
    if not EMAIL_PATTERN.match(value):
        raise Invalid(
            f'expected an e-mail address like name@example.se, got "{value}"',
            f'här ska det stå en e-postadress som namn@exempel.se, men det står "{value}"',
        )
    return value


def _url(value: str) -> str:
    if not URL_PATTERN.match(value):
        raise Invalid(
            f'expected a web address starting with https://, got "{value}"',
            f'här ska det stå en webbadress som börjar med https://, men det står "{value}"',
        )
    return value


def _https(value: str) -> str:
    if not (value.startswith("https://") and URL_PATTERN.match(value)):
        raise Invalid(
            f'expected a web address starting with https://, got "{value}"',
            f'här ska det stå en webbadress som börjar med https://, men det står "{value}"',
        )
    return value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise Invalid("expected text, got an empty value", "här ska det stå text, men fältet är tomt")
    return value


def _county(value: str) -> str:
    if not (len(value) == 2 and value.isdigit() and "01" <= value <= "25"):
        raise Invalid(
            f'expected a two-digit county (län) code from "01" to "25", like "23", got "{value}"',
            f'här ska det stå en länskod med två siffror från "01" till "25", till exempel "23", men det står "{value}"',
        )
    return value


def _reachable(contact):
    if not (contact.email or contact.phone):
        raise Invalid(
            "no way to contact: give a phone or an e-mail address",
            "det går inte att få kontakt: ange ett telefonnummer eller en e-postadress",
        )
    return contact


Text = Annotated[str, AfterValidator(_nonblank)]
Email = Annotated[str, AfterValidator(_email)]
Url = Annotated[str, AfterValidator(_url)]
HttpsUrl = Annotated[str, AfterValidator(_https)]
WEB_ADDRESS_CHECKS = (_url, _https)  # a field checked by one holds a web address (`check --launch` reads its host)
County = Annotated[str, AfterValidator(_county)]


class Model(BaseModel):
    """Strict: no unknown fields and no silent type coercion (a YAML number never becomes text)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Localized(Model):
    """A text in Swedish, with an English translation; English falls back to Swedish."""

    sv: Text = Field(description="Swedish text (Markdown allowed in long texts).")
    en: Text | None = Field(None, description="English text; when missing, Swedish is shown with a note.")

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.sv

    def is_fallback(self, lang: str) -> bool:
        return lang == "en" and not self.en


class AltText(Localized):
    """What a picture shows, required in both languages (WCAG 1.1.1)."""

    en: Text = Field(description="English alt text; required for pictures.")


class Image(Model):
    """A picture with alt text in both languages."""

    src: Text = Field(
        description="Path under `docs/`, e.g. `assets/images/are.jpg`.", examples=["assets/images/are.jpg"]
    )
    alt: AltText = Field(description="What the picture shows, in Swedish and English (both required).")


PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp")
PHOTO_EXAMPLE = [
    {
        "file": "photos/brygga.jpg",
        "alt": {
            "sv": "Barn som badar från en brygga en sommarkväll.",
            "en": "Children swimming from a jetty on a summer evening.",
        },
        "credit": "Foto: Förnamn Efternamn, CC BY 4.0",
    }
]


def _photo_file(value: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or "\\" in value or ".." in path.parts:
        raise Invalid(
            f'expected a path inside the content folder like photos/are.jpg, got "{value}"',
            f'här ska det stå en sökväg i innehållsmappen som photos/are.jpg, men det står "{value}"',
        )
    if path.suffix.lower() not in PHOTO_TYPES:
        raise Invalid(
            f'expected a JPEG, PNG or WebP picture ({", ".join(PHOTO_TYPES)}), got "{value}"',
            f'här ska det stå en JPEG-, PNG- eller WebP-bild ({", ".join(PHOTO_TYPES)}), men det står "{value}"',
        )
    return value


PhotoFile = Annotated[str, AfterValidator(_nonblank), AfterValidator(_photo_file)]


class Photo(Model):
    """A photo in content: the build makes its sizes and formats for the site (never shown as given)."""

    file: PhotoFile = Field(
        description=(
            "The picture's file inside the content folder, e.g. `photos/brygga.jpg`: JPEG, PNG or WebP, at "
            "least 1200 pixels wide (1600 is best; the check warns below 1200) to look sharp on large screens. "
            "The build makes smaller sizes in modern formats and leaves out the camera's data (place, date)."
        ),
        examples=["photos/brygga.jpg"],
    )
    alt: AltText = Field(description="What the picture shows, in Swedish and English (both required).")
    credit: Text = Field(
        description="Who took it and under what licence or permission, shown under the picture.",
        examples=["Foto: Förnamn Efternamn, CC BY 4.0"],
    )


class Link(Model):
    title: Localized = Field(description="Link text.")
    url: Url = Field(description="Web address.", examples=["https://are.se/"])


class Population(Model):
    count: int = Field(gt=0, description="Number of inhabitants.", examples=[12300])
    year: int = Field(ge=1900, le=2100, description="Year of the figure.", examples=[2021])
    approximate: bool = Field(True, description="Shown as “ca” when true.")


class Travel(Model):
    to_centre: Localized | None = Field(None, description="Travel to the regional centre (named in `region.yml`).")
    to_airport: Localized | None = Field(None, description="Travel to the nearest airport(s).")
    roads: list[Text] = Field([], description="Main roads.", examples=[["E14", "E45"]])
    rail: list[Text] = Field([], description="Railway lines.", examples=[["Mittbanan"]])


NEED_EXAMPLE = [
    {
        "ssyk": "2221",
        "note": {"sv": "Främst till vårdcentralerna.", "en": "Mainly for the health centres."},
        "employer": "Region Jämtland Härjedalen",
        "sector": "public",
        "vacancies": "https://arbetsformedlingen.se/platsbanken/annonser?q=sjuksk%C3%B6terska",
    },
    {"occupation": "VZoJ_4oe_xyR", "sector": "both"},
]


class Need(Model):
    """An occupation the municipality needs: an SSYK-4 group, an occupation name of the taxonomy, or both."""

    ssyk: Text | None = Field(
        None,
        description=(
            "The occupation group's SSYK 2012 code, four digits in quotes; `tasteget check` suggests the "
            "closest group for a code that does not exist."
        ),
        examples=["2221"],
    )
    occupation: Text | None = Field(
        None,
        description=(
            "The concept id of an occupation name in Arbetsförmedlingen's taxonomy, for a need narrower than "
            "its group; with `ssyk` too, it must lie in that group."
        ),
        examples=["bXNH_MNX_dUR"],
    )
    note: Localized | None = Field(None, description="A note, e.g. which employers or where.")
    employer: Text | None = Field(None, description="The employer, when one.", examples=["Region Jämtland Härjedalen"])
    sector: Literal["public", "private", "both"] | None = Field(
        None, description="Public sector, private or both.", examples=["public"]
    )
    vacancies: HttpsUrl | None = Field(
        None,
        description="A web address (https://) listing the vacancies.",
        examples=["https://arbetsformedlingen.se/platsbanken/annonser?q=sjuksk%C3%B6terska"],
    )

    @field_validator("ssyk")
    @classmethod
    def _known_group(cls, value: str | None) -> str | None:
        problem = needs.ssyk_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("occupation")
    @classmethod
    def _known_occupation(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        problem = needs.occupation_problem(value)
        if problem is None and info.data.get("ssyk"):
            problem = needs.mismatch_problem(value, info.data["ssyk"])
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _names_an_occupation(self):
        if self.ssyk is None and self.occupation is None:
            raise Invalid(
                'name the occupation: give ssyk (a code like "2221"), occupation (a concept id) or both',
                'ange yrket: skriv ssyk (en kod som "2221"), occupation (ett begrepps-id) eller båda',
            )
        return self

    @property
    def group_code(self) -> str:
        """The SSYK-4 group's code: `ssyk`, or the occupation's group."""
        if self.ssyk:
            return self.ssyk
        return taxonomy.load().occupation(self.occupation).ssyk

    def group(self) -> taxonomy.Group:
        """The SSYK-4 group."""
        return taxonomy.load().group(self.group_code)

    def name(self, lang: str = "sv") -> str:
        """The group's name in `lang` (SCB's English, the taxonomy's Swedish)."""
        return self.group().name(lang)


class Work(Model):
    industries: Localized | None = Field(None, description="Industries and the labour market.")
    employers: list[Text] = Field([], description="Major employers by name.", examples=[["Lundhags"]])
    in_demand: list[Need] = Field(
        [],
        description="Occupations the municipality needs: the competence needs the campaign shows.",
        examples=[NEED_EXAMPLE],
    )


class Target(Model):
    """A year's target from the municipality's action plan; the figures show it against what happened."""

    year: int = Field(ge=2000, le=2100, description="The year the target is for.", examples=[2026])
    households_moved: int | None = Field(
        None, ge=0, description="Households the municipality aims to see move there that year.", examples=[30]
    )
    households_with_needed_skills: int | None = Field(
        None,
        ge=0,
        description=(
            "Of those, households with a skill the municipality needs: an adult's occupation group is in its "
            "`work.in_demand` (while it lists none, one the region's skills page shows)."
        ),
        examples=[10],
    )

    @model_validator(mode="after")
    def _sets_a_figure(self):
        if self.households_moved is None and self.households_with_needed_skills is None:
            raise Invalid(
                "no target figure: give households_moved, households_with_needed_skills or both",
                "målet saknar siffra: ange households_moved, households_with_needed_skills eller båda",
            )
        moved, skilled = self.households_moved, self.households_with_needed_skills
        if moved is not None and skilled is not None and skilled > moved:
            raise Invalid(
                f"households_with_needed_skills ({skilled}) is more than households_moved ({moved}): "
                "it counts some of the households moved",
                f"households_with_needed_skills ({skilled}) är fler än households_moved ({moved}): "
                "det räknar några av hushållen som flyttat",
            )
        return self


class Housing(Model):
    text: Localized | None = Field(None, description="How to find a home there.")
    rental_companies: list[Link] = Field([], description="Rental companies (municipal and private).")
    plot_queue: Link | None = Field(None, description="The municipality's plot queue (tomtkö).")
    house_inventory: Link | None = Field(None, description="Inventory of empty houses for sale or rent.")


class Guide(Model):
    """A relocation guide (inflyttarvägledare): the person a mover talks to."""

    name: Text = Field(
        description="Name, or the role while the post is a placeholder.", examples=["Inflyttarvägledare"]
    )
    title: Localized = Field(description="Job title.")
    phone: Text | None = Field(None, description="Phone, as text in quotes.", examples=["063-14 30 00"])
    email: Email | None = Field(None, description="Public e-mail address.", examples=["inflytt@are.example"])
    photo: Image | None = Field(None, description="Optional portrait.")
    placeholder: bool = Field(False, description="True until a real person is filled in; `tasteget check` warns.")

    @model_validator(mode="after")
    def _has_contact(self):
        return _reachable(self)


class Amenity(StrEnum):
    """What a coworking space offers; the site's filter uses these."""

    meeting_room = "meeting_room"
    phone_room = "phone_room"
    kitchen = "kitchen"
    wifi = "wifi"
    printer = "printer"
    parking = "parking"
    lockers = "lockers"
    event_space = "event_space"
    access_24h = "access_24h"


class Coworking(Model):
    name: Text = Field(description="Name of the space.", examples=["House Be"])
    locality: Text = Field(description="Town or village.", examples=["Åre"])
    address: Text | None = Field(None, description="Street address.")
    desks: int | None = Field(None, ge=0, description="Number of fixed desks.", examples=[12])
    drop_in: bool = Field(False, description="Drop-in desks available.")
    amenities: list[Annotated[Amenity, Field(strict=False)]] = Field(
        [], description="What it offers: " + ", ".join(a.value for a in Amenity) + "."
    )
    price: Localized | None = Field(None, description="Price information.")
    description: Localized | None = Field(None, description="A short description.")
    website: Url | None = Field(None, description="Web address.")
    trial_living: bool = Field(False, description="Offers trial living (prova-på-boende).")
    photos: list[Photo] = Field(
        [], description="Photos of the space, shown with it; fields as the municipality's `photos`."
    )


WELCOME_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WELCOME_EXAMPLE = [
    {
        "key": "folkbokforing",
        "title": {"sv": "Folkbokför dig hos Skatteverket", "en": "Register your address with the Tax Agency"},
        "text": {
            "sv": "Anmäl flytten inom en vecka efter att du flyttat.",
            "en": "Report the move within a week of moving.",
        },
        "link": "https://www.skatteverket.se/privat/folkbokforing",
    },
    {"key": "vardcentral", "title": {"sv": "Välj vårdcentral", "en": "Choose a health centre"}},
]


def _welcome_key(value: str) -> str:
    if not WELCOME_KEY.match(value):
        raise Invalid(
            f'expected a short key of lower-case letters, digits and hyphens like "folkbokforing", got "{value}"',
            f'här ska det stå en kort nyckel med små bokstäver, siffror och bindestreck som "folkbokforing", '
            f'men det står "{value}"',
        )
    return value


WelcomeKey = Annotated[str, AfterValidator(_welcome_key)]


class WelcomeItem(Model):
    """One step of a newcomer's first months on the municipality's welcome checklist."""

    key: WelcomeKey = Field(
        max_length=60,
        description=(
            "A short, stable name for the step (lower-case letters, digits, hyphens), unique in the "
            "municipality: households' ticks are kept under it, so do not change it once in use."
        ),
        examples=["folkbokforing"],
    )
    title: Localized = Field(description="The step, as the household ticks it off.")
    text: Localized | None = Field(None, description="How to do it (Markdown).")
    link: Url | None = Field(None, description="Where to do it or read more.", examples=["https://are.se/"])


class Municipality(Model):
    """`content/municipalities/<slug>.yml`; the slug (file name) is the page's address."""

    name: Text = Field(description="Municipality name.", examples=["Åre"])
    summary: Localized = Field(description="One or two sentences: the page description and the home page card.")
    population: Population | None = Field(
        None,
        description="Population with its year.",
        examples=[{"count": 12300, "year": 2024, "approximate": True}],
    )
    area_km2: int | None = Field(None, gt=0, description="Land area in km².", examples=[2633])
    seat: Text = Field(description="The municipal seat.", examples=["Järpen"])
    localities: list[Text] = Field([], description="Other localities and villages.", examples=[["Åre", "Duved"]])
    travel: Travel = Field(
        Travel(),
        description="Travel and connections.",
        examples=[
            {
                "to_centre": {"sv": "1 timme med tåg eller bil.", "en": "1 hour by train or car."},
                "to_airport": {"sv": "45 minuter till flygplatsen.", "en": "45 minutes to the airport."},
                "roads": ["E14"],
                "rail": ["Mittbanan"],
            }
        ],
    )
    work: Work = Field(
        Work(),
        description="Work, employers and competence needs.",
        examples=[
            {
                "industries": {
                    "sv": "Turism, handel och offentlig sektor.",
                    "en": "Tourism, trade and the public sector.",
                },
                "employers": ["Åre kommun", "Holiday Club"],
                "in_demand": [{"ssyk": "2221", "sector": "public"}, {"ssyk": "5120"}],
            }
        ],
    )
    schools: Localized | None = Field(None, description="Schools and childcare.")
    housing: Housing = Field(
        Housing(),
        description="Finding a home.",
        examples=[
            {
                "text": {"sv": "Ställ dig i bostadskön tidigt.", "en": "Join the housing queue early."},
                "rental_companies": [
                    {
                        "title": {"sv": "Kommunens bostadsbolag", "en": "The municipal housing company"},
                        "url": "https://bostad.are.example/",
                    }
                ],
                "plot_queue": {"title": {"sv": "Tomtkön", "en": "The plot queue"}, "url": "https://are.example/tomter"},
                "house_inventory": {
                    "title": {"sv": "Tomma hus", "en": "Empty houses"},
                    "url": "https://are.example/tomma-hus",
                },
            }
        ],
    )
    leisure: Localized | None = Field(None, description="Leisure and nature.")
    guides: list[Guide] = Field(
        description="The relocation guide(s); at least one.",
        min_length=1,
        examples=[
            [
                {
                    "name": "Inflyttarvägledare",
                    "title": {"sv": "Inflyttarvägledare", "en": "Relocation guide"},
                    "phone": "063-14 30 00",
                    "email": "inflytt@are.example",
                    "photo": {
                        "src": "assets/images/inflytt-are.jpg",
                        "alt": {"sv": "Porträtt av vägledaren.", "en": "Portrait of the guide."},
                    },
                    "placeholder": True,
                }
            ]
        ],
    )
    coworking: list[Coworking] = Field(
        [],
        description="Coworking spaces in the municipality.",
        examples=[
            [
                {
                    "name": "House Be",
                    "locality": "Åre",
                    "address": "Årevägen 1",
                    "desks": 12,
                    "drop_in": True,
                    "amenities": ["wifi", "kitchen", "meeting_room"],
                    "price": {"sv": "Från 1 500 kr i månaden.", "en": "From SEK 1,500 a month."},
                    "description": {"sv": "Kontor mitt i byn.", "en": "Offices in the village centre."},
                    "website": "https://housebe.example/",
                    "trial_living": False,
                    "photos": PHOTO_EXAMPLE,
                }
            ]
        ],
    )
    links: list[Link] = Field(
        [],
        description="Further links.",
        examples=[
            [{"title": {"sv": "Kommunens webbplats", "en": "The municipality's website"}, "url": "https://are.se/"}]
        ],
    )
    photos: list[Photo] = Field(
        [],
        description=(
            "Photos of the municipality: the first is the page's large picture (and the picture of shared "
            "links), the others follow the text. A launch needs at least one (`tasteget check --launch`)."
        ),
        examples=[PHOTO_EXAMPLE],
    )
    welcome: list[WelcomeItem] = Field(
        [],
        description=(
            "The welcome checklist a household gets when it has moved here (address registration, school, "
            "health centre, Swedish for immigrants, associations…): shown on its own page and in the back "
            "office, where the household and its guide tick the steps off."
        ),
        examples=[WELCOME_EXAMPLE],
    )
    targets: list[Target] = Field(
        [],
        description=(
            "Yearly targets from the municipality's action plan, one per year; without one the figures say "
            "“no target set”."
        ),
        examples=[[{"year": 2026, "households_moved": 30, "households_with_needed_skills": 10}]],
    )

    @field_validator("welcome")
    @classmethod
    def _one_step_a_key(cls, value: list[WelcomeItem]) -> list[WelcomeItem]:
        keys = [item.key for item in value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            named = ", ".join(twice)
            raise Invalid(
                f"more than one welcome step with the key {named}: give each its own key",
                f"mer än ett steg i välkomstlistan har nyckeln {named}: ge varje steg en egen nyckel",
            )
        return value

    @field_validator("targets")
    @classmethod
    def _one_target_a_year(cls, value: list[Target]) -> list[Target]:
        years = [t.year for t in value]
        twice = sorted({y for y in years if years.count(y) > 1})
        if twice:
            years = ", ".join(map(str, twice))
            raise Invalid(
                f"more than one target for {years}: give one per year",
                f"mer än ett mål för {years}: ange ett per år",
            )
        return value


class Contact(Model):
    title: Localized = Field(description="Role, e.g. regional coordinator.")
    name: Text | None = Field(None, description="Name of the person, when known.")
    organisation: Text | None = Field(None, description="Organisation.", examples=["Region Jämtland Härjedalen"])
    email: Email | None = Field(None, description="Public e-mail address.")
    phone: Text | None = Field(None, description="Phone, as text in quotes.")
    placeholder: bool = Field(False, description="True until a real contact is filled in; `tasteget check` warns.")

    @model_validator(mode="after")
    def _has_contact(self):
        return _reachable(self)


def _language_codes(value: list[str]) -> list[str]:
    unknown = [code for code in value if not re.fullmatch(r"[a-z]{2}", code)]
    if unknown:
        raise Invalid(
            f'"{unknown[0]}" is not a language code: use two letters, e.g. sv or en',
            f'"{unknown[0]}" är ingen språkkod: använd två bokstäver, till exempel sv eller en',
        )
    return value


class Magazine(Model):
    """The printed magazine. What the order page tells someone before they order: each fact that
    content leaves out is left off the page, and `tasteget check` warns (see `unstated`)."""

    name: Text = Field(description="The magazine's name.", examples=["Ta Steget"])
    description: Localized = Field(description="What the magazine is and who it is for.")
    languages: Annotated[list[str], AfterValidator(_language_codes)] | None = Field(
        None,
        min_length=1,
        description="The language(s) it is written in, as two-letter codes; the order page names them.",
        examples=[["sv"]],
    )
    ships_abroad: bool | None = Field(
        None,
        description=(
            "true if it is posted to addresses outside Sweden too; false for Sweden only (the order form then "
            "takes Swedish addresses only)."
        ),
    )
    price: Localized | None = Field(
        None, description="What it costs, as the order page should say it, e.g. “Free” or “SEK 50 including postage”."
    )
    delivery: Localized | None = Field(
        None, description="How long it takes to arrive, e.g. “Within two weeks in Sweden”."
    )

    def unstated(self) -> list[str]:
        """The facts the order page leaves out because content does not give them."""
        return [name for name in ("languages", "ships_abroad", "price", "delivery") if getattr(self, name) is None]


class Fact(Model):
    value: Localized = Field(description="The figure, e.g. “ca 132 700”.")
    label: Localized = Field(description="What it measures, e.g. “inhabitants (2024)”.")


class StoryInvite(Model):
    """How a newcomer offers their story: the story pages show it, with or without stories."""

    text: Localized = Field(description="The invitation: who you would like to hear from and what happens next.")
    email: Email | None = Field(
        None,
        description="Where to send a story: the address of the person who collects them.",
        examples=["berattelser@region.example"],
    )
    link: HttpsUrl | None = Field(
        None,
        description="A short form for telling a story (https://), instead of or besides the e-mail address.",
        examples=["https://region.example/berattelser/tipsa"],
    )

    @model_validator(mode="after")
    def _has_a_way(self):
        if not (self.email or self.link):
            raise Invalid(
                "no way to send a story: give an e-mail address, a link to a form or both",
                "det går inte att skicka en berättelse: ange en e-postadress, en länk till ett formulär eller båda",
            )
        return self


class Stories(Model):
    invite: StoryInvite = Field(description="The invitation to tell a story, on the stories pages.")


class Region(Model):
    """`content/region.yml`: region-wide settings."""

    name: Text = Field(description="Region name.", examples=["Jämtland Härjedalen"])
    campaign: Text = Field(description="Campaign and site name.", examples=["Ta Steget"])
    centre: Text = Field(description="The regional centre that travel times refer to.", examples=["Östersund"])
    lan: County | None = Field(
        None,
        description=(
            "The region's county (län) code, two digits in quotes: `tasteget occupations refresh` keeps the "
            "Yrkesbarometer's rows for this län beside the national ones. Without it, only Sweden as a whole."
        ),
        examples=["23"],
    )
    tagline: Localized = Field(description="The campaign's message, the home page's heading.")
    intro: Localized = Field(description="Why this region: the home page's opening text (Markdown).")
    facts: list[Fact] = Field(
        [],
        description="Key figures for the home page.",
        examples=[
            [
                {
                    "value": {"sv": "ca 132 700", "en": "approx. 132,700"},
                    "label": {"sv": "invånare (2024)", "en": "inhabitants (2024)"},
                }
            ]
        ],
    )
    coordinator: Contact = Field(
        description="The regional coordinator, who answers when no guide does.",
        examples=[
            {
                "title": {"sv": "Regional samordnare", "en": "Regional coordinator"},
                "name": "Förnamn Efternamn",
                "organisation": "Region Jämtland Härjedalen",
                "email": "samordnare@region.example",
                "phone": "063-14 30 00",
                "placeholder": True,
            }
        ],
    )
    magazine: Magazine = Field(
        description="The printed magazine movers can order.",
        examples=[
            {
                "name": "Ta Steget",
                "description": {"sv": "Ett tryckt magasin om livet här.", "en": "A printed magazine about life here."},
                "languages": ["sv", "en"],
                "ships_abroad": True,
                "price": {"sv": "Gratis", "en": "Free"},
                "delivery": {"sv": "Inom två veckor i Sverige.", "en": "Within two weeks in Sweden."},
            }
        ],
    )
    after_registering: Localized = Field(description="What happens after a household registers.")
    response_days: int = Field(gt=0, description="Working days within which a guide gets in touch.", examples=[3])
    controller: Text = Field(
        description="Data controller for the privacy notice.", examples=["Region Jämtland Härjedalen"]
    )
    image: Image | None = Field(
        None,
        description="Default picture for shared links.",
        examples=[
            {
                "src": "assets/images/share.png",
                "alt": {"sv": "Kampanjens namn på grön botten.", "en": "The campaign's name on green."},
            }
        ],
    )
    stories: Stories | None = Field(
        None,
        description="The stories pages: how newcomers offer theirs (without it, the coordinator's address).",
        examples=[
            {
                "invite": {
                    "text": {
                        "sv": "Har du flyttat hit? Berätta hur det gick, så hör vi av oss.",
                        "en": "Have you moved here? Tell us how it went and we will be in touch.",
                    },
                    "email": "berattelser@region.example",
                }
            }
        ],
    )

    @field_validator("coordinator")
    @classmethod
    def _coordinator_has_email(cls, value: Contact) -> Contact:
        if not value.email:
            raise Invalid(
                "needs an e-mail address: new households go there when no guide can be e-mailed",
                "behöver en e-postadress: nya hushåll skickas dit när ingen vägledare kan nås via e-post",
            )
        return value


class Story(Model):
    """`content/stories/<slug>.yml`: a newcomer or ambassador tells their story."""

    name: Text = Field(description="Name(s) of the people in the story.")
    kind: Literal["newcomer", "ambassador"] = Field("newcomer", description="newcomer or ambassador.")
    moved_from: Text | None = Field(None, description="Where they came from.", examples=["Göteborg"])
    municipality: Text = Field(description="Slug of the municipality, e.g. `are`.", examples=["are"])
    year: int | None = Field(None, ge=1900, le=2100, description="Year they moved.", examples=[2022])
    title: Localized = Field(description="Headline.")
    text: Localized = Field(description="The story (Markdown).")
    photos: list[Photo] = Field(
        [],
        description=(
            "Photos for the story, with the written consent of the people in them: the first at the top, "
            "the others after the text."
        ),
        examples=[PHOTO_EXAMPLE],
    )


# Events --------------------------------------------------------------------------------------------

EVENT_KINDS = ("information_evening", "tryout_weekend", "job_fair", "newcomer_meetup")
EVENT_AUDIENCES = ("movers", "newcomers", "both")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _clock(value: str) -> str:
    if not TIME_PATTERN.match(value):
        raise Invalid(
            f'expected a time of day as HH:MM in quotes, like "18:30", got "{value}"',
            f'här ska det stå en tid som TT:MM inom citattecken, som "18:30", men det står "{value}"',
        )
    return value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f'expected a time zone name like "Europe/Stockholm", got "{value}"',
            f'här ska det stå en tidszon som "Europe/Stockholm", men det står "{value}"',
        ) from None
    return value


Clock = Annotated[str, AfterValidator(_clock)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]


class Event(Model):
    """`content/events/<slug>.yml`: an information evening, a try-out weekend, a job fair or a newcomers'
    meetup. The slug (file name) is the event's address; past events stay as an archive."""

    title: Localized = Field(description="The event's name.")
    kind: Literal[EVENT_KINDS] = Field(  # type: ignore[valid-type]
        description="information_evening, tryout_weekend, job_fair or newcomer_meetup.",
        examples=["information_evening"],
    )
    audience: Literal[EVENT_AUDIENCES] = Field(  # type: ignore[valid-type]
        "movers",
        description="Who it is for: movers (thinking of moving here), newcomers (moved here) or both.",
        examples=["movers"],
    )
    description: Localized = Field(description="What happens and for whom (Markdown).")
    starts_on: date = Field(description="The day it starts, as YYYY-MM-DD.", examples=["2027-03-11"])
    start: Clock = Field(description="When it starts, as HH:MM in quotes.", examples=["18:00"])
    end: Clock | None = Field(None, description="When it ends, as HH:MM in quotes.", examples=["20:00"])
    ends_on: date | None = Field(
        None, description="The last day, for an event of several days (a try-out weekend).", examples=["2027-03-13"]
    )
    time_zone: TimeZone = Field(
        "Europe/Stockholm", description="The time zone of the times, as an IANA name.", examples=["Europe/Stockholm"]
    )
    online: bool = Field(False, description="true for an event online; the link is sent to those signed up.")
    place: Localized | None = Field(None, description="Where: the venue and its address (required unless online).")
    join_url: HttpsUrl | None = Field(
        None,
        description=(
            "The link to join an event online, sent to those with a place in the confirmation, the "
            '"you got a place" e-mail and the reminder; never on the public page or in the public '
            "calendar (required when online and sign_up are true)."
        ),
        examples=["https://meet.region.example/informationskvall"],
    )
    municipalities: list[Text] = Field(
        [],
        description="Slugs of the municipalities it concerns (their pages list it); none for the whole region.",
        examples=[["are", "krokom"]],
    )
    capacity: int | None = Field(
        None, gt=0, description="How many people can come (places count people); none for no limit.", examples=[40]
    )
    sign_up: bool = Field(True, description="true when people sign up through the site.")
    sign_up_until: date | None = Field(
        None,
        description="The last day to sign up, as YYYY-MM-DD; without it, until the day before the event.",
        examples=["2027-03-09"],
    )
    contact: Email | None = Field(
        None,
        description="Who answers questions about the event; sign-ups reach the guides, not this address.",
        examples=["evenemang@region.example"],
    )
    ask_needs: bool = Field(
        True,
        description=(
            "true to ask for needs for the day (accessibility, diet), under a consent line of their own: "
            "the answers are erased a set number of days after the event."
        ),
    )
    photos: list[Photo] = Field(
        [], description="Photos of the event or the place; fields as a municipality's.", examples=[PHOTO_EXAMPLE]
    )

    @model_validator(mode="after")
    def _when_and_where(self):
        if not self.online and self.place is None:
            raise Invalid(
                "no place: give place (the venue and address) or set online: true",
                "plats saknas: skriv place (lokalen och adressen) eller online: true",
            )
        if self.online and self.sign_up and self.join_url is None:
            raise Invalid(
                "no join_url: an online event people sign up to needs the link to join (https://…)",
                "join_url saknas: ett evenemang online som man anmäler sig till behöver länken att delta (https://…)",
            )
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise Invalid(
                f"ends_on ({self.ends_on}) is before starts_on ({self.starts_on})",
                f"ends_on ({self.ends_on}) är före starts_on ({self.starts_on})",
            )
        if self.end is not None and self.ends_on in (None, self.starts_on) and self.end <= self.start:
            raise Invalid(
                f"end ({self.end}) is not after start ({self.start}) on the same day",
                f"end ({self.end}) är inte efter start ({self.start}) samma dag",
            )
        if self.sign_up_until is not None and self.sign_up_until > self.starts_on:
            raise Invalid(
                f"sign_up_until ({self.sign_up_until}) is after starts_on ({self.starts_on})",
                f"sign_up_until ({self.sign_up_until}) är efter starts_on ({self.starts_on}): sista anmälningsdag "
                "kan inte vara efter evenemanget",
            )
        return self

    def starts_at(self) -> datetime:
        """When it starts, in its time zone."""
        hour, minute = map(int, self.start.split(":"))
        return datetime.combine(self.starts_on, time(hour, minute), ZoneInfo(self.time_zone))

    def ends_at(self) -> datetime:
        """When it ends: its end time on its last day; without one, the end of its last day for an event
        of several days, else three hours after it starts (for calendars)."""
        if self.end is None:
            if self.ends_on is not None and self.ends_on > self.starts_on:
                return datetime.combine(self.ends_on + timedelta(days=1), time(0, 0), ZoneInfo(self.time_zone))
            return self.starts_at() + timedelta(hours=3)
        hour, minute = map(int, self.end.split(":"))
        return datetime.combine(self.ends_on or self.starts_on, time(hour, minute), ZoneInfo(self.time_zone))

    def last_sign_up_day(self) -> date:
        """The last day on which one can sign up."""
        return self.sign_up_until or self.starts_on - timedelta(days=1)

    def is_past(self, now: datetime) -> bool:
        """Whether it has ended at `now` (an aware datetime)."""
        return self.ends_at() <= now

    def open_for_sign_up(self, today: date) -> bool:
        """Whether one can sign up on `today` (the event's own calendar day)."""
        return self.sign_up and today <= self.last_sign_up_day()


class Page(Model):
    """Front matter of `content/pages/<name>.<lang>.md` (privacy notice, accessibility statement)."""

    title: Text = Field(description="Page title.")
    description: Text = Field(description="One sentence for search engines and shared links.")
    updated: date | None = Field(None, description="Date last reviewed, as YYYY-MM-DD.", examples=["2026-11-27"])


# Message templates ---------------------------------------------------------------------------------

# What a message template may fill in: facts the back office holds that are safe to write into a
# message (no free text a mover or a member of staff typed, such as a household's name or a note).
PLACEHOLDERS = {
    "reference": "the household's reference, e.g. H-ABCD-EFGH",
    "guide": "the name of the guide who writes",
    "municipalities": "the names of the municipalities the household chose (the region's name when not sure yet)",
    "region": "the region's name (`name` in region.yml)",
    "campaign": "the campaign's name (`campaign` in region.yml)",
}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MESSAGE_SUBJECT_MAX = 150
MESSAGE_TEXT_MAX = 5000


def _placeholders(value: str) -> str:
    unknown = [name for name in PLACEHOLDER.findall(value) if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise Invalid(
            f'unknown placeholder "{{{unknown[0]}}}": use one of {known}',
            f'okänd platshållare "{{{unknown[0]}}}": använd någon av {known}',
        )
    return value


def _one_line(value: str) -> str:
    if "\n" in value.strip() or "\r" in value:
        raise Invalid("a subject is one line: remove the line break", "en ämnesrad är en rad: ta bort radbrytningen")
    if len(value.strip()) > MESSAGE_SUBJECT_MAX:
        length = len(value.strip())
        raise Invalid(
            f"a subject has at most {MESSAGE_SUBJECT_MAX} characters, this one {length}",
            f"en ämnesrad har högst {MESSAGE_SUBJECT_MAX} tecken, den här {length}",
        )
    return value.strip()


def _not_too_long(value: str) -> str:
    if len(value) > MESSAGE_TEXT_MAX:
        raise Invalid(
            f"a message has at most {MESSAGE_TEXT_MAX} characters, this one {len(value)}",
            f"ett meddelande har högst {MESSAGE_TEXT_MAX} tecken, det här {len(value)}",
        )
    return value


MessageLine = Annotated[str, AfterValidator(_nonblank), AfterValidator(_one_line), AfterValidator(_placeholders)]
MessageBody = Annotated[str, AfterValidator(_nonblank), AfterValidator(_not_too_long), AfterValidator(_placeholders)]


class MessageSubject(Localized):
    """A message's subject in both languages: a household is written to in the language it chose."""

    sv: MessageLine = Field(description="Swedish subject, one line.")
    en: MessageLine = Field(description="English subject, one line; required.")


class MessageText(Localized):
    """A message's text in both languages (plain text: a blank line between paragraphs)."""

    sv: MessageBody = Field(description="Swedish text (plain text, not Markdown).")
    en: MessageBody = Field(description="English text; required.")


# A whole message file, as the field reference shows it.
MESSAGE_EXAMPLE = {
    "title": {"sv": "Första kontakten", "en": "First contact"},
    "subject": {
        "sv": "Välkommen till {region} ({reference})",
        "en": "Welcome to {region} ({reference})",
    },
    "text": {
        "sv": "Hej!\n\nJag heter {guide} och är inflyttarvägledare i {municipalities}. När passar det att vi "
        "pratar en stund?\n\nVänliga hälsningar\n{guide}\n",
        "en": "Hello,\n\nMy name is {guide} and I am the relocation guide in {municipalities}. When would "
        "it suit you to talk for a while?\n\nBest wishes\n{guide}\n",
    },
}


class Message(Model):
    """`content/messages/<slug>.yml`: a message a guide starts from when writing to a household from
    the back office, and edits before sending."""

    title: Localized = Field(description="What the guide picks from the list, e.g. “First contact”.")
    subject: MessageSubject = Field(
        description=f"The e-mail's subject: one line of at most {MESSAGE_SUBJECT_MAX} characters, in both languages."
    )
    text: MessageText = Field(
        description=(
            f"The e-mail's text: plain text of at most {MESSAGE_TEXT_MAX} characters, in both languages; each "
            "paragraph on one line, a blank line between paragraphs (a line break is kept as it is)."
        )
    )

    def fill(self, lang: str, values: dict[str, str]) -> tuple[str, str]:
        """The subject and text in `lang`, their placeholders filled in from `values`."""

        def filled(template: str) -> str:
            return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)

        return filled(self.subject.get(lang)), filled(self.text.get(lang)).strip("\n")
