"""Ta Steget's content and site: the content model communicators write (`content/`), the static
site generated from it (`site/`) and the occupation data its skill needs use (`occupations/`), with
their commands (`commands.py`). It never imports the intake service, which depends on it."""
