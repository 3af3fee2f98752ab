"""The campaign's figures: one computation for the dashboard and `tasteget report`, so they agree.

counts    households registered and moved, magazine orders, their breakdowns, as of a day
charts    SVG bar charts drawn on the server (no script, every bar labelled)
commands  `tasteget report`
"""
