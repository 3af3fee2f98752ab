"""The browser lane: Chromium through Playwright, with axe-core."""
