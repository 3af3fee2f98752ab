"""gunicorn's settings for the intake: `gunicorn -c python:intake.gunicorn_conf intake.wsgi:app`.

An access log on standard output whose lines go through the same rule as every other log of ours
(`intake.web.redaction`): no reset or withdrawal token, no receipt's reference, no search term.
Anything given on gunicorn's command line (`--workers`, `--bind`, `--access-logfile FILE`) wins.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from intake.web import redaction

accesslog = "-"
logger_class = "intake.gunicorn_conf.RedactingLogger"

# Every atom of gunicorn's access-log format that holds a URL, a path or a query string.
_URLS = ("U", "f", "{referer}i", "{location}o", "{raw_uri}e", "{path_info}e", "{http_referer}e", "{request_uri}e")
_QUERIES = ("q", "{query_string}e")


class RedactingLogger(Logger):
    """gunicorn's logger, its access-log atoms redacted whatever `access_log_format` uses."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = redaction.request_line(atoms["r"])
        for name in _URLS:
            if atoms.get(name):
                atoms[name] = redaction.target(atoms[name])
        for name in _QUERIES:
            if atoms.get(name):
                atoms[name] = redaction.query(atoms[name])
        return atoms
