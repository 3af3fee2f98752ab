"""The back office at /crm/: staff log in and follow households up. Views only: each validates its
form, calls the domain packages (`pipeline`, `privacy`, `accounts`, `figures`, `notify`), commits
and answers.

    auth            logging in and out, sessions kept on the server, the second factor
    access          who may see which household or contact: the one rule, in the query layer
    households      the list, one household, and what staff do to it (through `pipeline`)
    bulk            many households at once, ticked on the list: an owner, a follow-up, a CSV
    notes           a household's notes edited or removed, the old text kept on its timeline
    needs           occupations against the skill needs: a household's, and the households matching them
    contacts        the partner network
    orders          magazine orders: the list, the mailing house's CSV, marking them sent
    dashboard       the coordinator's figures as charts, tables and CSV
    privacy         the coordinator's export and erasure, privacy notices, the audit log
    staff           who owns how many households, handing them all over
    admin           accounts, for admins
    password_reset  "send me a link" and the page it opens
    undelivered     messages the outbox gave up on, sent again
    wording         what staff read for what is stored: names for slugs and keys, local times
    week, agenda    the week ahead: follow-ups and visits by day (agenda: whose, which days)
    visits          a household's planned visits, on its page
    writing         writing to a household from its page: a message from the content, edited, previewed, sent
    calendar        each member of staff's private calendar feed (iCalendar)
    events          the content's events: sign-ups, places, the waiting list, who came
    welcome         a moved household's welcome checklist on its page, a step ticked off
    forms, params, csvfile  the back office's forms, query strings and CSV downloads
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g
from flask_wtf.csrf import generate_csrf

bp = Blueprint(
    "crm",
    __name__,
    url_prefix="/crm",
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)


@bp.before_request
def _staff_language():
    g.lang = current_app.config["STAFF_LANGUAGE"]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = generate_csrf
    auth.init_app(app)
    wording.init_app(app)
    app.register_blueprint(bp)


from intake.crm import (  # noqa: E402, F401 - they register their views on bp
    admin,
    ambassadors,
    auth,
    bulk,
    calendar,
    contacts,
    dashboard,
    events,
    households,
    needs,
    notes,
    orders,
    password_reset,
    privacy,
    staff,
    undelivered,
    visits,
    week,
    welcome,
    wording,
    writing,
)
