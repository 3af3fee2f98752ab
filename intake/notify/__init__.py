"""Telling people: the outbox and its worker, the e-mails and whom they go to, SMTP, the webhook
hand-off to another CRM, messages that could not be delivered, and the follow-up reminders."""
