"""The link to the mover's own page ("My registration"): signed, expiring, and one at a time.

The token names the household's reference and the number of the link (`Household.link_generation`),
signed with the app's secret key and a salt of its own, and carries the time it was made: it works
for `MY_REGISTRATION_LINK_DAYS`. Each new link a mover asks for raises the number, so the link in an
older e-mail (one forwarded, or read over a shoulder) stops working once a new one is sent; the link
in the confirmation is number 0. The withdrawal link (see `privacy.consent`) is separate and never
expires: the right to withdraw does not.

"Send me my link" does the same work for every address typed (an event in the outbox, answered by
the worker; see `notify.mylinks`), so neither its answer nor its time tells whether we know it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from intake.models import Household, OutboxMessage
from intake.notify import outbox
from tasteget.site import routes

SALT = "my-registration"
MINE = {"sv": "mitt", "en": "mine"}  # under the registration form's path
SENT = {"sv": "skickad", "en": "sent"}


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def token(secret: str, reference: str, generation: int) -> str:
    return _serializer(secret).dumps([reference, generation])


@dataclass(frozen=True)
class Reading:
    """What a token says: `state` is "ok", "expired" or "invalid"; the reference and link number
    only when the signature is ours (an expired link's too)."""

    state: str
    reference: str | None = None
    generation: int | None = None


def read(secret: str, text: str, max_age_days: int) -> Reading:
    """The token's reference and link number, if it is ours and younger than `max_age_days`."""
    try:
        value = _serializer(secret).loads(text, max_age=max_age_days * 86400)
        state = "ok"
    except SignatureExpired as expired:  # raised only once the signature is known to be ours
        value, state = expired.payload, "expired"
        try:
            value = _serializer(secret).load_payload(value)
        except BadData:
            return Reading("invalid")
    except BadData:
        return Reading("invalid")
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and type(value[1]) is int):
        return Reading("invalid")
    return Reading(state, value[0], value[1])


def path(lang: str, token_text: str) -> str:
    """`/registrera/mitt/<token>/`, `/en/register/mine/<token>/`."""
    return f"{routes.url('register', lang)}{MINE[lang]}/{token_text}/"


def url(household: Household, lang: str) -> str:
    """The full address of the household's current link, in `lang` (for an e-mail)."""
    text = token(current_app.secret_key, household.reference, household.link_generation or 0)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path(lang, text)


def ask_path(lang: str) -> str:
    """The "send me my link" form: `/registrera/mitt/`, `/en/register/mine/`."""
    return f"{routes.url('register', lang)}{MINE[lang]}/"


def sent_path(lang: str) -> str:
    return f"{ask_path(lang)}{SENT[lang]}/"


def request_link(address: str, lang: str) -> OutboxMessage:
    """The outbox event for "send me my link": the same row whatever the address (the typed address
    in `to_address` until the worker has answered, the page's language in `language`)."""
    return OutboxMessage(
        **{**outbox.event_row(outbox.MOVER_LINK_REQUESTED), "to_address": address[:254], "language": lang}
    )
