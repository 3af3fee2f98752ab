"""The static site: generation, build, preview."""
