"""The Flask intake service: registration, magazine orders and the back office (next issues)."""
