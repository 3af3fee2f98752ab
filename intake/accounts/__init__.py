"""Staff accounts.

    users      create, find, change and deactivate accounts, their municipalities and sessions;
               which staff hear of a household (for `notify.routing`)
    passwords  Argon2id hashes, the minimum length and the check against common passwords
    resets     links to choose a password: a forgotten one, and a new account's first
    commands   `tasteget user add|set-password|deactivate|reset-totp|list`

Logging in (sessions, the second factor) is the back office's: `intake.crm.auth`.
"""
