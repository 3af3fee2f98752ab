"""Staff accounts: create, set passwords, deactivate, list. Used by the CLI and the admin pages."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from intake.accounts import passwords
from intake.models import ROLES, PasswordReset, StaffSession, User, UserMunicipality, utcnow
from intake.public.forms import ENCODED_WORD
from intake.web.errors import CONTROL_ANYWHERE


class AccountError(ValueError):
    """The request cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or " " in email or len(email) > 254 or _unsafe_in_mail(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def _unsafe_in_mail(text: str) -> bool:
    """Control characters or an encoded-word (`=?…?=`), which mail software decodes (see `intake.public.forms`)."""
    return bool(CONTROL_ANYWHERE.search(text) or ENCODED_WORD.search(text))


def find(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def check_new(session: Session, email: str, role: str, municipalities: list[str], known: set[str]) -> str:
    """The normalised address of a new account, or AccountError saying why it cannot be made."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    unknown = sorted(set(municipalities) - known)
    if unknown:
        raise AccountError(f"unknown municipality {unknown[0]!r} (expected one of: {', '.join(sorted(known))})")
    if role == "guide" and not municipalities:
        raise AccountError("a guide needs at least one --municipality")
    if role != "guide" and municipalities:
        raise AccountError(f"a {role} sees every municipality; leave out --municipality")
    if find(session, email) is not None:
        raise AccountError(f"there is already an account for {email}")
    return email


def add(
    session: Session,
    email: str,
    name: str,
    role: str,
    municipalities: list[str],
    known: set[str],
    password: str | None = None,
) -> User:
    """A new account, with `password` if given; guides need at least one municipality, the others none.

    Everything is checked before anything is written, so a refused account (or password) leaves
    nothing behind."""
    email = check_new(session, email, role, municipalities, known)
    name = name.strip() or email
    if _unsafe_in_mail(name) or len(name) > 200:
        raise AccountError("the name may not hold control characters or =?...?=, and 200 characters at most")
    password_hash = None
    if password is not None:
        _check_password(password, email, name)
        password_hash = passwords.hash_password(password)
    user = User(email=email, name=name, role=role, active=True, password_hash=password_hash)
    user.municipalities = [UserMunicipality(municipality=m) for m in dict.fromkeys(municipalities)]
    session.add(user)
    session.commit()
    return user


def _check_password(password: str, email: str, name: str) -> None:
    try:
        passwords.check_strength(password, (email, name))
    except passwords.WeakPassword as exc:
        raise AccountError(f"password refused: {exc}") from None


def set_password(session: Session, user: User, password: str) -> None:
    _check_password(password, user.email, user.name)
    user.password_hash = passwords.hash_password(password)
    end_sessions(session, user)  # a new password logs out every old session...
    # ...and ends every link to choose one that is still open (a forgotten password's, an invitation's).
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    session.commit()


def deactivate(session: Session, user: User) -> None:
    user.active = False
    end_sessions(session, user)
    session.commit()


def end_sessions(session: Session, user: User) -> None:
    for s in session.scalars(
        select(StaffSession).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
    ):
        s.ended_at = utcnow()


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.email)))


def recipients(session: Session):
    """Active guides by municipality and active coordinators, as routing recipients, oldest account
    first (the first is the one a mover's reply goes to, see `emails.mover_contact`)."""
    from intake.notify.routing import Recipient

    guides: dict[str, list[Recipient]] = {}
    coordinators: list[Recipient] = []
    for user in session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(("guide", "coordinator"))).order_by(User.id)
    ):
        recipient = Recipient(user.email, user.name, user.role)
        if user.role == "coordinator":
            coordinators.append(recipient)
        for slug in user.municipality_slugs:
            guides.setdefault(slug, []).append(recipient)
    return guides, coordinators


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (30 s) whose code this is, allowing one step of clock drift either way."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


WRONG_CODES_ALLOWED = 5  # then the password is asked for again


def begin_second_factor(session: Session, user: User) -> str:
    """The right password was given: a new login waits for its code, with its own few tries (any
    earlier one waiting is over). Returns its id, for the browser's cookie."""
    pending = secrets.token_urlsafe(32)
    user.login_pending, user.login_wrong_codes = pending, 0
    session.commit()
    return pending


def is_pending(user: User, pending: str | None) -> bool:
    return bool(pending and user.login_pending) and hmac.compare_digest(user.login_pending, pending)


def take_code_try(session: Session, user: User, pending: str) -> int | None:
    """Count a code against the waiting login before it is checked, and return which try it is;
    None when the login waits no more. Atomic and committed at once, so codes sent at the same
    time (from any address or instance) cannot get more tries between them."""
    tried = session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.login_pending == pending,
            User.login_wrong_codes < WRONG_CODES_ALLOWED,
        )
        .values(login_wrong_codes=User.login_wrong_codes + 1)
        .returning(User.login_wrong_codes)
    ).scalar()
    session.commit()
    return tried


def end_second_factor(session: Session, user: User, pending: str) -> None:
    """The waiting login is over (its code was right, or its tries are used up)."""
    session.execute(update(User).where(User.id == user.id, User.login_pending == pending).values(login_pending=None))
    session.commit()


def use_totp_step(session: Session, user: User, step: int) -> bool:
    """Accept a code's step only if it is later than the last one used: a code seen once (over a
    shoulder, in a proxy's log) cannot be used again. Atomic, so two logins racing cannot both win."""
    done = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return done.rowcount == 1
