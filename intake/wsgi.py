"""The WSGI entry point for gunicorn: `gunicorn intake.wsgi:app` (migrate first: `tasteget db upgrade`)."""

from pathlib import Path

from . import create_app
from .pages import check_site

app = create_app()
check_site(Path(app.config["SITE_DIR"]))  # refuse to start without the site's page shell
