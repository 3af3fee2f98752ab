"""The back office, journey by journey."""
