"""Notification: outbox, worker, e-mails, webhook, undelivered messages, follow-ups."""
