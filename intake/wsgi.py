"""The WSGI entry point for gunicorn: `gunicorn -c python:intake.gunicorn_conf intake.wsgi:app` (migrate
first: `tasteget db upgrade`; the configuration gives gunicorn its redacted access log)."""

import gc
from pathlib import Path

from intake import create_app
from intake.builtsite.shell import check_site

app = create_app()
check_site(Path(app.config["SITE_DIR"]))  # refuse to start without the site's page shell

# Everything loaded so far (the app, its content, SQLAlchemy's mappers, templates: some 130 000
# objects) lives as long as the process: leave it out of the garbage collector's full passes, which
# would otherwise walk it again and again under load (about a third of the collector's time).
gc.freeze()
