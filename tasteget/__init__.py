"""Ta Steget's content and site: the content model communicators write (`content/`) and the
static site generated from it (`site/`), with their commands (`commands.py`). It never imports
the intake service, which depends on it."""
