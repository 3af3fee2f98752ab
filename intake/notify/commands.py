"""The notification commands: `tasteget worker`, `tasteget mail test`, `tasteget outbox list-dead|retry`."""

from __future__ import annotations

import sys

import click

from intake.cli import app_logging, intake_app


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due and run due jobs once, then exit.")
def worker_command(once: bool) -> None:
    """Send the outbox's messages (with retries) and run the scheduled jobs, until stopped.

    Run one next to the web app in production; more than one is safe (no message is sent twice).
    """
    import signal
    import threading

    from intake.notify import worker as outbox_worker

    app = intake_app()
    app_logging()
    if once:
        events = outbox_worker.expand_events(app)
        sent = outbox_worker.send_due(app)
        hooks = outbox_worker.send_webhooks(app)
        jobs = outbox_worker.run_jobs(app)
        click.echo(
            f"Wrote the e-mails of {events} event(s); tried {sent} message(s) and {hooks} webhook(s); ran {len(jobs)} job(s)."
        )
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("The outbox worker is running (Ctrl-C stops).")
    try:
        outbox_worker.run(app, stop)
    except KeyboardInterrupt:
        stop.set()


@click.group("mail")
def mail_group() -> None:
    """E-mail."""


@mail_group.command("test")
@click.argument("address")
def mail_test_command(address: str) -> None:
    """Send a test message to ADDRESS now (not through the outbox) and report the result."""
    from intake.notify import mail
    from intake.notify.mime import Outgoing
    from intake.notify.outbox import new_message_id

    app = intake_app(migrated=False)
    config = app.config
    where = mail.redacted(config["MAIL_URL"]) if config["MAIL_URL"] else f"{config['MAIL_DIR']}/"
    message = Outgoing(
        to_address=address,
        subject="Test message from tasteget",
        body_text="This is a test message. Mail works.",
        body_html="<p>This is a test message. Mail works.</p>",
        message_id=new_message_id(config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >")),
        language="en",
    )
    with app.app_context():  # as the worker sends: in the campaign's name
        from intake.builtsite import content

        campaign = content.site().region.campaign
    try:
        with mail.transport(config, campaign) as transport:
            result = transport.send(message)
    except mail.MailConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any failure is reported as one line
        raise click.ClickException(f"could not send to {address} via {where}: {mail.describe_error(exc)}") from None
    click.echo(f"Test message {result}: to {address} via {where}")


@click.group("outbox")
def outbox_group() -> None:
    """Messages and hand-offs the worker gave up on (the back office's Undelivered messages)."""


@outbox_group.command("list-dead")
def outbox_list_dead_command() -> None:
    """List the undelivered messages: number, kind, created, attempts, last error, reference.

    No addresses or names are shown. Send them again with `tasteget outbox retry`.
    """
    from intake import db
    from intake.notify import dead_letters, outbox

    app = intake_app()
    with app.app_context():
        dead = dead_letters.dead(db.session(), limit=None)
        if not dead:
            click.echo("No undelivered messages.")
            return
        click.echo(f"{'id':>6}  {'kind':32} {'created (UTC)':16}  {'tries':>5}  {'reference':11}  last error")
        for m in dead:
            kind = f"webhook {m.subject}" if m.kind == outbox.WEBHOOK else m.kind
            if dead_letters.refusal(m):
                kind += " (withdrawn/erased)"
            created = m.created_at.strftime("%Y-%m-%d %H:%M")
            ref = dead_letters.reference(m) or "-"
            click.echo(f"{m.id:>6}  {kind:32} {created:16}  {m.attempts:>5}  {ref:11}  {m.last_error or '-'}")
        click.echo(f"{len(dead)} undelivered message(s).")


@outbox_group.command("retry")
@click.option("--all-dead", is_flag=True, help="Send every undelivered message again.")
@click.option("--id", "ids", type=int, multiple=True, help="Send this message again (its id); repeat for more.")
def outbox_retry_command(all_dead: bool, ids: tuple[int, ...]) -> None:
    """Put undelivered messages back in the queue, due now: the worker sends them on its next round.

    Messages about a household or order that has been withdrawn or erased are refused. Each message
    sent again is recorded in the audit log. Exits 1 when any message was refused or not found.
    """
    from intake import db
    from intake.models import utcnow
    from intake.notify import dead_letters

    if all_dead == bool(ids):
        raise click.UsageError("give either --all-dead or one or more --id N")
    refusals = {
        dead_letters.NOT_DEAD: "it is not undelivered: already queued again, or sent",
        dead_letters.EVENT: "it is an event, which the worker turns into messages itself",
        dead_letters.GONE: "its household or order was withdrawn or erased, so it must not go out",
    }
    app = intake_app()
    with app.app_context():
        session = db.session()
        outcome = dead_letters.send_again(session, utcnow(), None if all_dead else list(ids), actor="command")
        session.commit()
        for message, reason in outcome.refused:
            click.echo(f"message {message.id}: not sent again ({refusals[reason]})", err=True)
        for missing in outcome.missing:
            click.echo(f"message {missing}: not sent again (no such message)", err=True)
        for message in outcome.queued:
            click.echo(f"message {message.id}: queued to be sent again")
    click.echo(f"Queued {len(outcome.queued)} message(s) to be sent again.")
    if outcome.refused or outcome.missing:
        sys.exit(1)
