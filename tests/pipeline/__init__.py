"""A household's way through the campaign, without the web."""
