"""Signing up to the content's events (`content/events/<slug>.yml`) through the intake.

places    who gets the places: pure rules (a party fits or waits; a freed place goes to the first
          on the waiting list whose party fits)
paths     the public paths: the sign-up form, the cancel link, the event's own page
signups   signing up, cancelling, marking attendance: the transactions, under the event's lock
mail      the e-mails to the person who signed up, and the day-before reminder job
forms     the sign-up form
views     the public pages: the form, its receipt, the cancel page
"""
