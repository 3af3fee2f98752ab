"""Staff accounts: users and their municipalities, passwords, reset and invitation links."""
