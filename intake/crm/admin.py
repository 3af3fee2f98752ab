"""Accounts in the back office, for admins: add staff (who get a link to choose a password) and
deactivate them. The same as the `tasteget user` commands."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from intake import db
from intake.accounts import resets, users
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.crm import bp, wording
from intake.crm.access import require_role
from intake.models import ROLES, User
from intake.public.forms import select_choices


class AccountForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(_l("Fill in this field.")), Length(max=254)])
    name = StringField(_l("Name"), [InputRequired(_l("Fill in this field.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=select_choices((r, wording.ROLES[r]) for r in ROLES))


@bp.route("/accounts/", methods=["GET", "POST"])
@login_required
def account_list():
    require_role("admin")
    session = db.session()
    form = AccountForm()
    site = content.site()
    error = None
    if form.validate_on_submit():
        chosen = request.form.getlist("municipality")
        try:
            user = users.add(session, form.email.data, form.name.data, form.role.data, chosen, set(site.municipalities))
        except users.AccountError as exc:
            error = str(exc)
        else:
            resets.send_link(session, user, current_app.config["ACCOUNT_INVITE_HOURS"] * 60)
            session.commit()
            flash(_("Saved."), "saved")
            return redirect(url_for("crm.account_list"), 303)
    return render_staff(
        "crm/accounts.html",
        _("Accounts"),
        status=422 if (error or form.errors) else 200,
        users=users.all_users(session),
        form=form,
        error=error,
        site=site,
    )


@bp.post("/accounts/<int:user_id>/deactivate/")
@login_required
def account_deactivate(user_id: int):
    require_role("admin")
    session = db.session()
    user = session.get(User, user_id)
    if not FlaskForm().validate_on_submit() or user is None or user.id == current_user.id:
        abort(422)
    users.deactivate(session, user)
    flash(_("Saved."), "saved")
    return redirect(url_for("crm.account_list"), 303)
