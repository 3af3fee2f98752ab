"""Data protection: the consent record and its withdrawal, erasure, retention, export and the audit log."""
