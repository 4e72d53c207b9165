"""Logs carry no secrets: calendar-feed tokens and reset (invitation) keys are redacted in gunicorn's access
log and in Django's logs (issue 13, the log half of finding 9)."""

import io
import logging
import socket
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from shifts.feeds import calendar_token_renew

RESET_KEY_PATH = "/accounts/password/reset/key/2b-cn8z4r-4f1c0d9a2b7e5f3a8c6d/"


@pytest.fixture
def console():
    """What settings.LOGGING's console handler writes during the test."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    written = io.StringIO()
    old = handler.setStream(written)
    yield written
    handler.setStream(old)


@pytest.fixture
def feed_path(volunteer, organisation):
    token = calendar_token_renew(member=volunteer)
    return token, reverse("shifts:calendar_feed", kwargs={"organisation": organisation.slug, "token": token})


def through_gunicorn(raw_request: bytes) -> tuple[str, int]:
    """Serve one raw HTTP request the way gunicorn's worker does (its parser, its WSGI environ and response,
    the project's WSGI application) and return the access-log line its logger writes, and the status."""
    config = Config()
    config.set("accesslog", "-")
    config.set("logger_class", "config.gunicorn.RedactingLogger")
    log = config.logger_class(config)
    lines = []
    capture = logging.Handler()
    capture.emit = lambda record: lines.append(capture.format(record))
    log.access_log.addHandler(capture)
    server_side, client_side = socket.socketpair()
    try:
        request = next(RequestParser(config, iter([raw_request]), ("127.0.0.1", 50000)))
        response, environ = wsgi.create(request, server_side, ("127.0.0.1", 50000), ("127.0.0.1", 8000), config)
        # Django closes the database connection when a request finishes (close_old_connections); here the
        # request runs inside the test's transaction, so that connection must stay open (PostgreSQL).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = get_wsgi_application()(environ, response.start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        try:
            for chunk in body:
                response.write(chunk)
        finally:
            if hasattr(body, "close"):
                body.close()
        log.access(response, request, environ, timedelta(milliseconds=3))
        return "\n".join(lines), int(response.status.split()[0])
    finally:
        log.access_log.removeHandler(capture)
        server_side.close()
        client_side.close()


def test_the_logger_class_is_the_one_gunicorn_is_configured_with():
    namespace = {}
    with open("config/gunicorn.py") as source:
        exec(compile(source.read(), "config/gunicorn.py", "exec"), namespace)  # noqa: S102 - gunicorn does so
    config = Config()
    config.set("logger_class", namespace["logger_class"])
    assert config.logger_class.__name__ == "RedactingLogger"
    assert namespace["accesslog"] == "-"


@pytest.mark.django_db
def test_a_feed_request_in_gunicorns_access_log_shows_no_token(feed_path):
    token, path = feed_path
    raw = (
        f"GET {path}?token={token} HTTP/1.1\r\nHost: localhost\r\n"
        f"Referer: https://jourplan.example{RESET_KEY_PATH}\r\n\r\n"
    ).encode()
    line, status = through_gunicorn(raw)
    assert status == 200  # the feed was served: the token was a real one
    assert token not in line
    assert "/calendar/feed/[redacted].ics?token=[redacted]" in line
    assert "cn8z4r" not in line and "/password/reset/key/[redacted]/" in line
    assert '" 200 ' in line


@pytest.mark.django_db
def test_a_percent_encoded_feed_path_is_redacted_too(feed_path):
    token, path = feed_path
    encoded = path.replace("/calendar/feed/", "/calendar%2Ffeed/")
    line, _status = through_gunicorn(f"GET {encoded} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert token not in line


@pytest.mark.django_db
def test_an_unknown_feed_token_logged_by_django_request_is_redacted(client, organisation, caplog, console):
    token = "Zq3-guessed_token_that_is_not_stored_anywhere_0"
    path = reverse("shifts:calendar_feed", kwargs={"organisation": organisation.slug, "token": token})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(path).status_code == 404
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert token not in record.getMessage()
    assert record.getMessage() == f"Not Found: /{organisation.slug}/calendar/feed/[redacted].ics"
    # What the console handler actually wrote.
    assert f"/{organisation.slug}/calendar/feed/[redacted].ics" in console.getvalue()
    assert token not in console.getvalue()


@pytest.mark.django_db
def test_a_reset_key_logged_by_django_request_is_redacted(client, caplog):
    # A refused request (a body too large) on a reset-link path is logged with its path.
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.generic(
            "POST", RESET_KEY_PATH, data=b"-", content_type="text/plain", CONTENT_LENGTH=str(50 * 1024 * 1024)
        )
    assert response.status_code == 413
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Request Entity Too Large: /accounts/password/reset/key/[redacted]/"]


def test_runservers_request_lines_are_redacted(console):
    # django.server logs each request line the way runserver's handler does.
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {RESET_KEY_PATH} HTTP/1.1", "302", "0")
    written = console.getvalue()
    assert "cn8z4r" not in written and '"GET /accounts/password/reset/key/[redacted]/ HTTP/1.1" 302 0' in written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/accounts/confirm-email/MjM:1v2x:abcDEF/", "/accounts/confirm-email/[redacted]/"),
        ("/accounts/password/reset/key/done/", "/accounts/password/reset/key/done/"),
        ("/jouren/members/?page=2&q=anna", "/jouren/members/?page=2&q=anna"),
        ("/jouren/import/?key=abc&x=1", "/jouren/import/?key=[redacted]&x=1"),
    ],
)
def test_redaction_keeps_what_is_not_secret(text, expected):
    from core.log_redaction import redact

    assert redact(text) == expected
