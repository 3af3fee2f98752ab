"""The campaign's figures (one computation for the dashboard and `tasteget report`) and their charts."""
