"""A household's way through the campaign: what staff (and, later, commands and the worker) do to
a household once it has come in, as plain functions over a database session.

    timeline   a step in the household's timeline with its audit line; the first guide to contact
               a household becomes its owner
    news       telling whoever must hear of a change (the other CRM's webhook, the guides' e-mails,
               the registration told anew), in one place, for the caller's transaction
    steps      status (first contact, where and when it moved, why it closed), follow-up day, owner,
               note (edited or removed, the old text kept), a contact it was introduced to
    network    a partner-network contact edited or removed, what it said before kept
    triage     the coordinator's choice of municipalities, and a quarantined household released
    duplicates a duplicate merged into the household it repeats; a withdrawn or erased household
               never is
    messages   a guide's message to a household: the outbox, the timeline, a first contact
    mover_changes  the mover's own changes on "My registration": the timeline, the guides told
    welcome    a moved household's welcome checklist (from the content), its ticks, the next newcomers' event

Each function takes the session, the household, the acting staff user (none for the mover) and the values, adds what
it changes to the session and leaves the commit to the caller; none reads the request, a form or
the logged-in user. Who may see or do what stays with the caller (see `intake.crm.access`).
"""
