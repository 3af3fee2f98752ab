"""Data protection: consent, withdrawal, erasure, retention, export, audit."""
