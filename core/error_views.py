"""Error pages that render with the database down (config/urls.py's handler400/403/404/500, CSRF_FAILURE_VIEW).

base.html needs the signed-in person and her shelter (navigation, the organisation context processor), and
`request.user` is lazy: touching it loads the session and the user from the database. So these pages extend
the small `error_base.html` (same CSS, a header with just "Jourplan") and are rendered with a plain Context:
no context processors, no session, no user, no query. The language is the one LocaleMiddleware chose for the
request (her language cookie, else Accept-Language, else Swedish); when the error came before LocaleMiddleware
ran, the same choice is made here from the cookie and the header, again without the database.

A session that cannot be saved: SessionMiddleware saves the session after a response below 500 when it changed (a
login, a message, or her activity renewing its expiry, members/sessions.py); when the save fails with `UpdateError`
it raises `SessionInterrupted` (a 400 whose text says the session "was deleted"). The database backend raises
UpdateError for two different things: the session's row is gone (she logged out in another tab, or the session
expired and was cleared) — then her session really has ended and she must log in again; or the database refused the
write (down, locked, timed out) — then nothing ended, the server failed, and the answer is a 503 that says so. The
cache backend raises it only when the session is gone from the cache. Either way the view had already run, so the
page says that what she just did may have been saved and to check before doing it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from csp.utils import build_policy
from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

logger = logging.getLogger(__name__)

# What a visitor gets if even the 500 page cannot be rendered (a broken template, a broken static manifest):
# both languages, no stylesheet, nothing that can fail.
LAST_RESORT_500 = (
    '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Jourplan</title></head>'
    "<body><main><h1>Något gick fel</h1>"
    "<p>Jourplan kan inte visa sidan just nu. Vänta en stund och ladda om sidan.</p>"
    '<p lang="en">Something went wrong. Jourplan cannot show this page right now. '
    "Wait a moment and reload the page.</p></main></body></html>"
)


def _language(request: HttpRequest) -> str:
    """Her language without the database: LocaleMiddleware's choice, else the cookie / Accept-Language."""
    code = getattr(request, "LANGUAGE_CODE", None)
    if code in dict(settings.LANGUAGES):
        return str(code)
    return translation.get_language_from_request(request)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def _same_site_referer(request: HttpRequest) -> str | None:
    """The path of the page she came from on this site (the form's page after a failed POST), else None."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: the page still renders, only without this link
        return None
    if referer.scheme != request.scheme or referer.netloc != host:
        return None
    return _local(referer.path + (f"?{referer.query}" if referer.query else ""))


def _local(path: str) -> str | None:
    """The path if a link to it stays on this site; "//x" and "/\\x" lead a browser to another site."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else None


def _again_url(request: HttpRequest) -> str | None:
    """Where "try again" leads: this address for a GET, the page she came from for a form she sent."""
    if request.method in ("GET", "HEAD"):
        return _local(request.get_full_path())
    return _same_site_referer(request)


def _login_url(request: HttpRequest) -> str:
    login = _url("account_login")
    back = _again_url(request)
    return f"{login}?{urlencode({'next': back})}" if back and back != login else login


def _render(request: HttpRequest, template_name: str, status: int, **context: object) -> HttpResponse:
    with translation.override(_language(request)):
        # No request passed: a plain Context, so no context processor (user, organisation, messages) runs.
        html = loader.get_template(template_name).render(
            {"again_url": _again_url(request), "login_url": _login_url(request), **context}
        )
    return _secured(HttpResponse(html, status=status))


def _secured(response: HttpResponse) -> HttpResponse:
    """The site's CSP and framing rule on the page itself: SessionMiddleware's error (and one in any middleware
    outside them) is answered outside CSPMiddleware and XFrameOptionsMiddleware, which leave a set header be."""
    response["Content-Security-Policy"] = build_policy()
    response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
    add_never_cache_headers(response)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, SessionInterrupted):
        if _database_refused(exception):
            return _render(request, "503_session_not_saved.html", 503)
        return _render(request, "400_session_ended.html", 400)
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _render(request, "500.html", 500)
    except Exception:
        # Django would let this escape to the WSGI server's own bare page; this one at least says what to do.
        logger.exception("The 500 page could not be rendered")
        return _secured(HttpResponse(LAST_RESORT_500, status=500))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    return _render(request, "403_csrf.html", 403, cookies_missing=reason == REASON_NO_CSRF_COOKIE)


def _causes(exception: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _database_refused(exception: BaseException) -> bool:
    """Whether the session save failed because the database refused it, not because the session was gone.

    A vanished row shows as Django's plain DatabaseError ("Forced update did not affect any rows"); a database
    that is down, locked or timed out raises one of its subclasses (OperationalError, InterfaceError, …)."""
    return any(isinstance(e, DatabaseError) and type(e) is not DatabaseError for e in _causes(exception))
