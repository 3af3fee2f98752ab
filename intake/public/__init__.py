"""The public side of the intake: what a prospective mover fills in and what is done with it.

views       the registration and magazine order pages and their receipts (blueprint `public`)
forms       every field, its limits and its messages in both languages
saving      one transaction per submission, consent evidence included
abuse       the rate limit, the honeypot, the minimum time to fill in, the quarantine
campaign    what is kept of a link's `utm_*` values
postal      postcodes by country
mylink      the signed, expiring link to the mover's own page, and "send me my link"
mine        "My registration": the mover's own page (blueprint `mine`)
withdrawal  the mover withdraws a registration from the link in their confirmation (blueprint `withdrawal`)
"""
