"""What a request that goes wrong is answered, in the site's look and the page's language.

Control characters in an address, a query or a form field are refused before any view reads them
(PostgreSQL refuses NUL in text; no field of ours has a use for the others). A database that is
locked or full answers 503 and an unforeseen error 500; on a public form both show the form again
with what was typed, so nothing is lost, and the log never carries what was typed.
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from intake.builtsite import serving
from intake.web import redaction


class Intake(Flask):
    def log_exception(self, exc_info) -> None:
        """Flask's own line, with the path as the access logs show it: a withdrawal or reset link's
        token stays out of the error log too (`redaction.path`)."""
        self.logger.error("Exception on %s [%s]", redaction.path(request.path), request.method, exc_info=exc_info)


# Tab, line feed and carriage return belong in a text area; nothing else below space, nor DEL.
CONTROL_IN_FIELD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_ANYWHERE = re.compile(r"[\x00-\x1f\x7f]")
OWN_FIELD_CHECKS = "checks_its_own_fields"


def checks_its_own_fields(query: tuple[str, ...] = ()):
    """Mark a view whose form refuses control characters field by field, next to each field with
    what was typed kept (the public forms): its form fields are left to it, and so are the `query`
    parameters it reads itself (a form's campaign parameters, which it drops when they are bad)."""
    if callable(query):  # written without the parentheses: the view would be replaced by `mark`
        raise TypeError("use @checks_its_own_fields() or @checks_its_own_fields(query=...)")

    def mark(view):
        setattr(view, OWN_FIELD_CHECKS, frozenset(query))
        return view

    return mark


def refuse_control_characters():
    view = current_app.view_functions.get(request.endpoint)
    own_checks = getattr(view, OWN_FIELD_CHECKS, None)
    own_query = own_checks or frozenset()
    values = [value for key, value in request.args.items(multi=True) if key not in own_query]
    if CONTROL_ANYWHERE.search("".join([request.path, *request.args.keys(), *values])):
        abort(400)
    if request.method == "POST" and own_checks is None:
        fields = [*request.form.keys(), *request.form.values()]
        if CONTROL_IN_FIELD.search("".join(fields)) or request.files:
            abort(400)


def offer_form_again(render) -> None:
    """Let the error pages show this request's form again: `render(status, notice)` renders it with
    what was typed."""
    g.form_again = render


def _rolled_back() -> None:
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - a connection already gone has nothing to roll back
            session.invalidate()


def _answer(status: int, title: str, text: str, notice: str):
    _rolled_back()
    render = g.pop("form_again", None)
    try:
        html, status, headers = (
            render(status, notice) if render is not None else serving.error_page(status, title, text)
        )
    except Exception:  # noqa: BLE001 - the error page must not fail in turn (no site built, say)
        current_app.logger.exception("the error page could not be shown")
        html, headers = f"<!doctype html><title>{status}</title><p>{title}</p>", {"Content-Type": "text/html"}
    # The database's bad moments pass: say when to try again.
    return html, status, {**headers, "Retry-After": "60"} if status == 503 else headers


def database_unavailable(error: OperationalError):
    """The database is locked for longer than we wait, full, or unreachable: nothing was saved."""
    current_app.logger.warning(
        "database unavailable (%s) on %s %s", type(error.orig).__name__, request.method, request.endpoint
    )
    return _answer(
        503,
        _("Nothing was saved"),
        _("We cannot save anything just now. Wait a minute and try again."),
        _(
            "We could not save your form just now, so nothing was sent. What you typed is kept below: send it again in a minute."
        ),
    )


def internal_error(_error):
    return _answer(
        500,
        _("Something went wrong"),
        _("Something went wrong on our side. Try again in a while."),
        _(
            "Something went wrong on our side and your form may not have been saved. What you typed is kept below: "
            "send it again (it is never stored twice)."
        ),
    )


class _NoValuesInTracebacks(logging.Filter):
    """Tracebacks in the log name the error's kind and where it happened, not its message: messages
    quote values (`invalid literal for int(): '…'`), and values are what people typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            chain, error = [], record.exc_info[1]
            while error is not None and error not in chain:
                chain.append(error)
                error = error.__cause__ or error.__context__
            lines = [
                line
                for error in reversed(chain)
                for line in (
                    *traceback.format_tb(error.__traceback__),
                    f"{type(error).__module__}.{type(error).__name__}\n",
                )
            ]
            record.exc_text = "Traceback (the errors' messages left out):\n" + "".join(lines).rstrip()
            record.exc_info = None
        return True


_NO_VALUES = _NoValuesInTracebacks()


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(500, internal_error)
    # On the logger itself, not through app.logger: that would give it Flask's handler before
    # `tasteget serve` and the worker set up theirs. One filter however many apps are made.
    logging.getLogger(app.name).addFilter(_NO_VALUES)
