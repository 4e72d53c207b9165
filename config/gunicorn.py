"""Gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi` (Procfile).

The access log goes to stdout with every secret in a URL redacted (feed tokens, reset and invitation keys:
core.log_redaction), in the request line, the path, the query, the referrer and any header or environ
value a custom access_log_format asks for. Gunicorn's own error log gets the same filter.
"""

import os

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# By dotted path: gunicorn imports the class after it has put the project on sys.path (this file is read
# before that, so it must not import the project at the top).
logger_class = "config.gunicorn.RedactingLogger"
# Gunicorn's own bounds on what precedes the body (the body is bounded by core.request_limits).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


class RedactingLogger(Logger):
    """Gunicorn's logger with secrets redacted from every access-log atom and every error-log line."""

    def setup(self, cfg):
        super().setup(cfg)
        from core.log_redaction import RedactSecrets

        if not any(isinstance(f, RedactSecrets) for f in self.error_log.filters):
            self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        from core.log_redaction import redact

        return {name: redact(value) for name, value in super().atoms(resp, req, environ, request_time).items()}
