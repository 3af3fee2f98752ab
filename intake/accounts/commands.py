"""`tasteget user …`: staff accounts from the command line."""

from __future__ import annotations

import click

from intake.cli import intake_app


@click.group("user")
def user_group() -> None:
    """Staff accounts for the back office (guides, the coordinator, admins)."""


def _accounts():
    """The app, a database session and the accounts module, or one readable line."""
    from intake import db
    from intake.accounts import users as accounts

    app = intake_app()
    return app, db, accounts


def _existing(session, accounts, email: str):
    """The account for `email`, or one readable line saying there is none."""
    try:
        user = accounts.find(session, email)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _prompt_password(email: str) -> str:
    return click.prompt(f"New password for {email}", hide_input=True, confirmation_prompt=True)


@user_group.command("add")
@click.option("--email", required=True, help="Their e-mail address (the login).")
@click.option("--name", default="", help="Their name, as shown in the back office.")
@click.option("--role", required=True, type=click.Choice(["guide", "coordinator", "admin"]))
@click.option("--municipality", "municipalities", multiple=True, help="A guide's municipality (slug); repeat for more.")
@click.option(
    "--password", envvar="TASTEGET_PASSWORD", help="Set a password now (or TASTEGET_PASSWORD); asked for if left out."
)
@click.option("--no-password", is_flag=True, help="Create the account without a password (set it later).")
def user_add_command(email, name, role, municipalities, password, no_password) -> None:
    """Create a staff account."""
    app, db, accounts = _accounts()
    with app.app_context():
        from intake.builtsite import content

        session = db.session()
        known = set(content.site().municipalities)
        try:
            # Checked before the password is asked for, and created with it in one go: a refused
            # account or password leaves nothing behind.
            address = accounts.check_new(session, email, role, list(municipalities), known)
            if not no_password and not password:
                password = _prompt_password(address)
            user = accounts.add(
                session, email, name, role, list(municipalities), known, None if no_password else password
            )
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        where = f" for {', '.join(user.municipality_slugs)}" if user.municipality_slugs else ""
        click.echo(f"Created {user.role} {user.email}{where}.")


@user_group.command("set-password")
@click.option("--email", required=True)
@click.option(
    "--password", envvar="TASTEGET_PASSWORD", help="The new password (or TASTEGET_PASSWORD); asked for if left out."
)
def user_set_password_command(email, password) -> None:
    """Set a staff member's password (this ends their open sessions)."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        try:
            accounts.set_password(session, user, password or _prompt_password(user.email))
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Password set for {user.email}.")


@user_group.command("deactivate")
@click.option("--email", required=True)
def user_deactivate_command(email) -> None:
    """Stop an account from logging in (its history stays); ends its sessions at once."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        accounts.deactivate(session, user)
        click.echo(f"Deactivated {user.email}.")


@user_group.command("reset-totp")
@click.option("--email", required=True)
def user_reset_totp_command(email) -> None:
    """Remove a lost second factor; they set up a new one at their next login (if their role needs one)."""
    app, db, accounts = _accounts()
    with app.app_context():
        session = db.session()
        user = _existing(session, accounts, email)
        user.totp_secret = None
        accounts.end_sessions(session, user)
        session.commit()
        click.echo(f"Second factor removed for {user.email}.")


@user_group.command("list")
def user_list_command() -> None:
    """List the staff accounts."""
    app, db, accounts = _accounts()
    with app.app_context():
        users = accounts.all_users(db.session())
        if not users:
            click.echo("No accounts yet. Create one with: tasteget user add --email … --role coordinator")
            return
        for u in users:
            state = "active" if u.active else "deactivated"
            places = ", ".join(u.municipality_slugs) or "-"
            click.echo(f"{u.email:40} {u.role:12} {state:12} {places}")
