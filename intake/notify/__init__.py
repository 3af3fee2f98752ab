"""Telling people: every e-mail and every hand-off to another CRM goes through the outbox, in the
transaction of what caused it, and a worker sends it with retries.

    outbox        the queue: message kinds, events, leases so two workers never send one message twice
    worker        the loop: turns events into messages, sends what is due, runs the scheduled jobs
    followup      reminders that keep households from going cold: date rules and the hourly job
    routing       who hears about a household: guides by municipality, else the coordinator (pure)
    emails        what the e-mails say, in the recipient's language (templates in templates/mail/)
    skills        what a guide is told of a household's occupation groups and the needs they match
    mime          the MIME message an outbox row becomes, checked header by header before it is sent
    mail          SMTP from MAIL_URL, or .eml files in instance/mail/ when it is unset
    deadline      a total time limit for each attempt over the network
    handoff       what another CRM is told (the webhook payloads of WEBHOOKS.md)
    webhook       signing and POSTing a hand-off
    dead_letters  what the outbox gave up on, and sending it again
    mylinks       the worker's answer to "send me my link": a new link to the mover's own page
    commands      `tasteget worker`, `tasteget mail test`, `tasteget outbox list-dead|retry`
"""
