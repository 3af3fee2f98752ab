"""The campaign's figures and the dashboard."""
