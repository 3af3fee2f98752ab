"""The built site as the intake serves it."""
