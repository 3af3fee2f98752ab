"""Every request: headers, log redaction, no personal data in logs."""
