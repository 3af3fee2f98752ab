"""What every request and response passes through: security headers, error pages, log redaction."""
