"""The content model and its check."""
