"""The consent record's vocabulary and its withdrawal: the link in the mover's confirmation, and
what withdrawing does (hidden from the guides at once; erased at once where the basis is consent)."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from intake.models import Household
from intake.notify import handoff
from intake.privacy import audit, erasure
from tasteget.site import routes

LEGAL_BASES = ("consent", "public_task")
PURPOSES = {"household": "relocation_guidance", "order": "magazine_delivery", "sign_up": "event_sign_up"}


# --- the withdrawal link in the mover's confirmation ---------------------------------------------


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="withdraw-registration")


def withdrawal_token(secret: str, reference: str) -> str:
    """A link token naming one household, unguessable without the secret key; it does not expire
    (the right to withdraw does not), and it works once the household is withdrawn only to show so."""
    return _signer(secret).dumps(reference)


WITHDRAW = {"sv": "aterkalla", "en": "withdraw"}  # under the registration form's path


def withdraw_path(lang: str, token: str) -> str:
    return f"{routes.url('register', lang)}{WITHDRAW[lang]}/{token}/"


def reference_from_token(secret: str, token: str) -> str | None:
    try:
        reference = _signer(secret).loads(token)
    except BadSignature:
        return None
    return reference if isinstance(reference, str) else None


# --- withdrawing ---------------------------------------------------------------------------------


def withdraw(session: Session, h: Household, now: datetime, *, actor: str = "mover", hand_off: bool = False) -> bool:
    """The mover withdraws: hidden from the guides at once; erased at once where the basis is
    consent (returns True), else at the end of the retention period (see `retention.purge_due`).
    Both are recorded in the audit log, for the caller to commit. With `hand_off` (a webhook is
    configured), the other CRM is told."""
    erasing = h.legal_basis == "consent"
    h.withdrawn_at = h.withdrawn_at or now
    erasure.forget_campaign_detail(h)  # not part of the official record kept under public task
    audit.record(session, "withdraw", "household", h.reference, "erased" if erasing else "hidden", actor=actor)
    if erasing:
        erasure.erase_household(session, h, now, reason="withdrawn (consent)", actor=actor, hand_off=hand_off)
        return True
    if hand_off and h.quarantine_reason is None:
        session.add(handoff.withdrawn(h, now))
    return False
