"""Staff accounts: commands, password reset links."""
