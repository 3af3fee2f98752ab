"""The built static site as the intake sees it: which build is current, its page shell, the content
it was built from, and serving its files beside the intake's own pages."""
