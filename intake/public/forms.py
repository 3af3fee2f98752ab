"""The registration and magazine forms: every field, its limits and its messages in both languages."""

from __future__ import annotations

import re
from functools import cache

from babel.support import Translations
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from intake import choices
from intake.models import UTM_FIELDS
from intake.public import campaign, postal

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# An RFC 2047 encoded-word ("=?utf-8?q?…?="), or anything like one: mail software decodes these, and
# Python's `email` package can write the line breaks they hide out raw (CVE-2024-6923). Nobody's name
# or address contains one, so refusing them costs nothing.
ENCODED_WORD = re.compile(r"=\?.*\?=", re.S)
PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-]{4,22}$")
# A Swedish number with its area code (or the trunk zero) in brackets: "(063) 14 30 00",
# "(0)63-14 30 00", "+46 (0)63-14 30 00"; before the brackets, only a country code.
BRACKETS = re.compile(r"^(?P<country>\+[0-9]{1,3} ?)?\((?P<inside>[0-9]{1,4})\) ?(?P<rest>[0-9][0-9 \-]*)$")
ASCII_NUMBER = re.compile(r"[0-9]+")
REQUIRED = _l("Fill in this field.")  # the back office's forms; the public forms say what to fill in
OCCUPATION_HINT = _l("For example: nurse, electrician, or studying, retired, not working now.")


def plain_text(one_line: bool = True):
    """No control characters, no HTML tags, and (for one-line fields: names, addresses, places) no
    line breaks and no encoded-words."""

    def check(form, field):
        value = field.data or ""
        if CONTROL.search(value):
            raise ValidationError(_l("Remove the invisible control characters."))
        if one_line and LINE_BREAK.search(value):
            raise ValidationError(_l("Write this on one line."))
        if MARKUP.search(value):
            raise ValidationError(_l("Remove the HTML code (text between < and >)."))
        if one_line:
            no_encoded_word(form, field)

    return check


def no_encoded_word(form, field):
    if ENCODED_WORD.search(field.data or ""):
        raise ValidationError(_l("“=?...?=” is not allowed here (it could change an e-mail)."))


def select_choices(pairs) -> list[SelectChoice]:
    """WTForms' form of the (key, label) pairs in `choices`."""
    return [SelectChoice(key, label) for key, label in pairs]


def keys_of(options) -> set[str]:
    return {option.value if isinstance(option, SelectChoice) else option[0] for option in options}


def one_of(options):
    """For optional single choices: empty is fine, anything else must be one of the options."""
    keys = keys_of(options)

    def check(form, field):
        if field.data and field.data not in keys:
            raise ValidationError(_l("Choose one of the options."))

    return check


def text(label, required=None, max_length=200, one_line=True, **kwargs):
    """A text field; `required` is the message that asks for it when it is left empty ("Enter your
    name."; `True` says only "Fill in this field.", which the error summary would repeat)."""
    first = DataRequired(REQUIRED if required is True else required) if required else Optional()
    limit = Length(max=max_length, message=_l("Use at most %(max)d characters.", max=max_length))
    return StringField(label, [first, limit, plain_text(one_line)], filters=[_strip], **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def email(label=None, **kwargs):
    """A mover's e-mail address: required, one address, nothing that could change an e-mail's headers."""
    return EmailField(
        label or _l("E-mail"),
        [
            InputRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("Use at most %(max)d characters.", max=254)),
            Email(_l("Enter an e-mail address like name@example.com.")),
            no_encoded_word,
        ],
        filters=[_strip],
        **kwargs,
    )


def _newlines(value):
    """Browsers send CR LF; store plain line feeds."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class Checkboxes(SelectMultipleField):
    """Several choices shown as checkboxes; a choice sent twice counts once."""

    def process_formdata(self, valuelist):
        super().process_formdata(list(dict.fromkeys(valuelist)))


def phone_number(value: str) -> str | None:
    """The number as typed, with an area code in brackets written the usual way ("063-14 30 00",
    and "+46 63-14 30 00" without the trunk zero after a country code); None unless it is a phone
    number: digits, spaces, hyphens and at most one pair of brackets around digits."""
    if not PHONE.match(value) or value.count("(") != value.count(")") or value.count("(") > 1:
        return None
    if "(" not in value:
        return value
    found = BRACKETS.match(value)
    if found is None:
        # Brackets elsewhere, as in "070 (123) 45 67", were always taken as typed; empty or
        # around anything but digits they are not a number.
        return value if re.search(r"\([0-9]+\)", value) and not value.startswith("(") else None
    country, inside, rest = found.group("country"), found.group("inside"), found.group("rest")
    if country:
        return f"{country.strip()} {rest}" if inside == "0" else f"{country.strip()} {inside} {rest}"
    return f"0{rest}" if inside == "0" else f"{inside}-{rest}"


@cache
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class AbuseChecks:
    """Hidden fields every public form carries: the honeypot, the start time, idempotency, campaign."""

    class Meta:
        def get_translations(self, form):
            # WTForms' own messages in the page's language. Flask-WTF would parse WTForms' catalogue
            # file again on every request; it never changes while we run, so one per language is kept.
            return _wtforms_messages(str(get_locale()))

        def wrap_formdata(self, form, formdata):
            # No form of ours takes a file: one sent in a field is not read as its text (see validate).
            formdata = super().wrap_formdata(form, formdata)
            return request.form if formdata is not None and request.files else formdata

    website = StringField(_l("Leave this field empty"), [Length(max=200)])
    started = HiddenField()
    submission_id = HiddenField(validators=[InputRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])

    # Each field's short name, for the error summary at the top of the page ("Name: enter your name").
    SHORT_NAMES: dict = {}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for name in request.files:
            if name in self._fields:
                self[name].errors = [_l("Write this as text, not a file.")]
                valid = False
        return valid


def error_list(form) -> list[tuple]:
    """(field, "Short name: what is wrong") for each field in error that the page shows, in the
    form's order: the GOV.UK error summary (_fields.html). Any form: a field's short name comes from
    the form's SHORT_NAMES, else its label."""
    names = getattr(form, "SHORT_NAMES", {})
    return [
        (field, f"{names.get(field.name, field.label.text)}: {_lower_first(str(field.errors[0]))}")
        for field in form
        if field.errors and field.type not in ("HiddenField", "CSRFTokenField")
    ]


def _lower_first(message: str) -> str:
    """The message as it reads after a field's name: "Name: enter your name." A word in capitals
    ("HTML") or a quotation mark at the start stays as it is."""
    if len(message) > 1 and message[0].isupper() and not message[1].isupper():
        return message[0].lower() + message[1:]
    return message


def country_field(label):
    """The country a person lives in: chosen, never assumed (the Swedish pages start at Sweden)."""
    return SelectField(label, [InputRequired(_l("Choose the country you live in."))], validate_choice=False)


def _add_utm_fields(cls):
    for name in UTM_FIELDS:
        setattr(cls, name, HiddenField(filters=[campaign.value]))  # dropped, never refused, when not a name
    return cls


@_add_utm_fields
class RegistrationForm(AbuseChecks, FlaskForm):
    SHORT_NAMES = {
        "name": _l("Name"),
        "email": _l("E-mail"),
        "phone": _l("Phone"),
        "contact_channel": _l("How to contact you"),
        "contact_language": _l("Language"),
        "country": _l("Country"),
        "place": _l("Town or place"),
        "occupation": _l("Your occupation"),
        "work_sought": _l("The work you are looking for"),
        "partner_occupation": _l("Your partner's occupation"),
        "partner_work_sought": _l("The work your partner is looking for"),
        "children_count": _l("Number of children"),
        "children_ages": _l("The children's ages"),
        "municipalities": _l("Municipalities"),
        "seeks": _l("What you are looking for"),
        "housing_tenure": _l("Rent or buy"),
        "housing_types": _l("Kind of home"),
        "housing_setting": _l("Where to live"),
        "timeframe": _l("When"),
        "message": _l("Anything else"),
        "heard_from": _l("Where you heard about us"),
        "privacy": _l("Privacy notice"),
    }

    name = text(_l("Your name"), required=_l("Enter your name."))
    email = email()
    phone = TelField(
        _l("Phone (optional)"),
        [Optional()],
        filters=[_strip],
    )
    contact_channel = RadioField(
        _l("How would you like us to contact you?"),
        [InputRequired(_l("Choose how we should contact you."))],
        choices=select_choices(choices.CHANNELS),
        default="email",
        validate_choice=False,
    )
    contact_language = RadioField(
        _l("Which language would you like us to use?"),
        [InputRequired(_l("Choose a language."))],
        choices=select_choices(choices.LANGUAGES),
        validate_choice=False,
    )
    country = country_field(_l("Country you live in now"))
    place = text(_l("Town or place you live in now"), required=_l("Enter the town or place you live in."))
    # Optional, free text of up to 200 characters as other one-line fields; mapped to the occupation
    # taxonomy when saved (see intake.public.occupations), never refused for naming no occupation.
    occupation = text(_l("Your occupation or field (optional)"), description=OCCUPATION_HINT)
    work_sought = text(_l("The work you are looking for here (optional)"), max_length=500)
    partner_occupation = text(_l("Your partner's occupation or field"), description=OCCUPATION_HINT)
    partner_work_sought = text(_l("The work your partner is looking for"), max_length=500)
    children_count = IntegerField(
        _l("Number of children moving with you"),
        [Optional(), NumberRange(min=0, max=15, message=_l("Enter a number from %(min)d to %(max)d."))],
        default=0,
    )
    children_ages = text(_l("The children's ages"), max_length=60, description=_l("For example: 3, 7, 12"))
    municipalities = Checkboxes(
        _l("Which municipalities are you interested in?"),
        description=_l("Choose one or more."),
        validate_choice=False,
    )
    seeks = Checkboxes(
        _l("What are you looking for? (optional)"), choices=select_choices(choices.SEEKS), validate_choice=False
    )
    housing_tenure = RadioField(
        _l("Would you rather rent or buy?"),
        [one_of(choices.TENURES)],
        choices=select_choices(choices.TENURES),
        validate_choice=False,
    )
    housing_types = Checkboxes(
        _l("What kind of home?"), choices=select_choices(choices.HOUSING_TYPES), validate_choice=False
    )
    housing_setting = RadioField(
        _l("Where would you like to live?"),
        [one_of(choices.SETTINGS)],
        choices=select_choices(choices.SETTINGS),
        validate_choice=False,
    )
    timeframe = RadioField(
        _l("When are you thinking of moving?"),
        [InputRequired(_l("Choose when you are thinking of moving."))],
        choices=select_choices(choices.TIMEFRAMES),
        validate_choice=False,
    )
    message = TextAreaField(
        _l("Anything else you would like to tell us? (optional)"),
        [Optional(), Length(max=3000, message=_l("Use at most %(max)d characters.", max=3000)), plain_text(False)],
        filters=[_strip, _newlines],
    )
    heard_from = SelectField(
        _l("Where did you hear about us? (optional)"),
        [one_of(choices.HEARD_FROM)],
        choices=select_choices([("", _l("Choose…")), *choices.HEARD_FROM]),
        validate_choice=False,
    )
    privacy = BooleanField(
        _l("I have read how my details are handled (the privacy notice)."),
        [InputRequired(_l("Confirm that you have read the privacy notice."))],
    )

    def validate_phone(self, field):
        if field.data:
            number = phone_number(field.data)
            if number is None:
                raise ValidationError(_l("Enter a phone number with digits, e.g. +46 70 123 45 67."))
            field.data = number

    def validate_contact_channel(self, field):
        one_of(choices.CHANNELS)(self, field)
        if field.data == "phone" and not self.phone.data:
            raise ValidationError(_l("Give a phone number if you want us to call you."))

    def validate_contact_language(self, field):
        one_of(choices.LANGUAGES)(self, field)

    def validate_country(self, field):
        if field.data not in choices.country_codes():
            raise ValidationError(_l("Choose the country you live in."))

    def validate_timeframe(self, field):
        one_of(choices.TIMEFRAMES)(self, field)

    def validate_children_ages(self, field):
        if not field.data:
            return
        ages = children_ages(field.data)
        if ages is None:
            raise ValidationError(_l("Write each child's age in years, from 0 to 25, separated by commas."))
        count = self.children_count.data
        if count is not None and count and len(ages) != count:
            raise ValidationError(_l("Give one age per child (%(count)d).", count=count))
        field.ages = ages

    def validate_municipalities(self, field):
        keys = keys_of(field.choices)
        if not field.data:
            raise ValidationError(_l("Choose at least one municipality, or “not sure yet”."))
        if any(value not in keys for value in field.data):
            raise ValidationError(_l("Choose among the municipalities listed."))
        if choices.UNSURE in field.data and len(field.data) > 1:
            raise ValidationError(_l("Choose municipalities or “not sure yet”, not both."))

    def validate_seeks(self, field):
        _all_known(field, choices.SEEKS)

    def validate_housing_types(self, field):
        _all_known(field, choices.HOUSING_TYPES)

    @property
    def children_ages_list(self) -> list[int]:
        return getattr(self.children_ages, "ages", [])


def children_ages(text: str) -> list[int] | None:
    """The ages in text like "3, 7, 12"; None unless every part is an age in years from 0 to 25
    (in the digits 0-9: str.isdigit() also takes "²", which int() does not)."""
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if not all(ASCII_NUMBER.fullmatch(p) and int(p) <= 25 for p in parts):
        return None
    return [int(p) for p in parts]


def _all_known(field, options):
    keys = keys_of(options)
    if any(value not in keys for value in field.data or []):
        raise ValidationError(_l("Choose among the options listed."))


@_add_utm_fields
class OrderForm(AbuseChecks, FlaskForm):
    SHORT_NAMES = {
        "name": _l("Name"),
        "street": _l("Street address"),
        "postal_code": _l("Postal code"),
        "city": _l("Town or city"),
        "country": _l("Country"),
        "email": _l("E-mail"),
        "privacy": _l("Privacy notice"),
    }

    name = text(_l("Name"), required=_l("Enter your name."))
    street = text(_l("Street address"), required=_l("Enter the street address."))
    postal_code = text(_l("Postal code"), required=_l("Enter the postal code."), max_length=12)
    city = text(_l("Town or city"), required=_l("Enter the town or city."), max_length=100)
    country = country_field(_l("Country"))
    email = EmailField(
        _l("E-mail (optional, for a confirmation)"),
        [
            Optional(),
            Length(max=254, message=_l("Use at most %(max)d characters.", max=254)),
            Email(_l("Enter an e-mail address like name@example.com.")),
            no_encoded_word,
        ],
        filters=[_strip],
    )
    privacy = BooleanField(
        _l("I have read how my details are handled (the privacy notice)."),
        [InputRequired(_l("Confirm that you have read the privacy notice."))],
    )

    only_to: str | None = None  # the one country the magazine is posted to, when content says so

    def validate_country(self, field):
        if field.data not in choices.country_codes():
            raise ValidationError(_l("Choose the country you live in."))
        if self.only_to and field.data != self.only_to:
            raise ValidationError(
                _l(
                    "The magazine is posted to addresses in %(country)s only.",
                    country=choices.country_name(self.only_to, str(get_locale()), in_sentence=True),
                )
            )

    def validate_postal_code(self, field):
        if not field.data or self.country.data not in choices.country_codes():
            return
        try:
            field.data = postal.normalise(self.country.data, field.data)
        except postal.PostalCodeError as exc:
            # The message names the country it checked: the wrong country chosen is the usual cause.
            country = choices.country_name(self.country.data, str(get_locale()), in_sentence=True)
            if exc.example:
                raise ValidationError(
                    _l(
                        "Enter a postal code as used in %(country)s, e.g. %(example)s.",
                        country=country,
                        example=exc.example,
                    )
                ) from None
            raise ValidationError(
                _l("Enter a postal code as used in %(country)s: 3 to 12 letters and digits.", country=country)
            ) from None
