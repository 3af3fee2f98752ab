"""The WSGI entry point for gunicorn: `gunicorn intake.wsgi:app` (migrate first: `tasteget db upgrade`)."""

from . import create_app

app = create_app()
