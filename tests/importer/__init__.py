"""Importing from the previous CRM."""
