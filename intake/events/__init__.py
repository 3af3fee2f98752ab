"""Signing up to the content's events (`content/events/<slug>.yml`) through the intake.

places    who gets the places: pure rules (a party fits or waits; a freed place goes to the first
          on the waiting list whose party fits)
paths     the public paths: the sign-up form, the cancel link, the event's own page
signups   signing up, cancelling, marking attendance: the transactions, under the event's lock
mail      the e-mails to the person who signed up, and the day-before reminder job
facts     what the pages and e-mails state about an event: when, where, places left
forms     the sign-up form
views     the public pages: the form, its receipt, the cancel page
figures   sign-ups and attendance by kind of event and by municipality (no names, no needs)

The back office's pages of events are `intake.crm.events`; retention, export and erasure of sign-ups
are in `intake.privacy` with the other records'.
"""
