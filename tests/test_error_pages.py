"""Error pages (issue 15): 400, 403, 404, 500, a refused form (CSRF) and a session that could not be saved, in
Swedish (English with her language cookie), in the site's look, rendered with the database unreachable.

"Unreachable" is real, not a mocked query: the default connection is pointed at a database that cannot be
opened (PostgreSQL: a closed port on 127.0.0.1; SQLite: a file in a directory that does not exist), so every
connection attempt fails in the driver as it would in production, and each attempt is counted. Requests go
through the test client and the whole middleware stack with DEBUG=False.

This module is also the URLconf of its tests (`@pytest.mark.urls`): the site's URLs and error handlers plus a
few views that raise what a real view raises.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import Client
from django.urls import Resolver404, path, resolve, reverse

from config import urls as site_urls
from core.models import User

from .test_pages_have_no_external_resources import _csp_directives, _PageAudit

THIS_URLCONF = "tests.test_error_pages"

SV = {
    400: "Sidan kunde inte öppnas",
    403: "Du har inte tillgång till den här sidan",
    404: "Sidan finns inte",
    500: "Något gick fel",
    "csrf": "Sidan var öppen för länge",
    "session_ended": "Du har blivit utloggad",
    "session_not_saved": "Något gick fel",
    "not_logged_out": "Du har inte loggats ut",
}
EN = {
    400: "The page could not be opened",
    403: "You do not have access to this page",
    404: "Page not found",
    500: "Something went wrong",
    "csrf": "The page was open too long",
    "session_ended": "You have been logged out",
    "session_not_saved": "Something went wrong",
    "not_logged_out": "You have not been logged out",
}


class DatabaseOutage:
    """Points the default connection at a database that cannot be reached, and back; counts the attempts."""

    def __init__(self) -> None:
        self.wrapper = connections[DEFAULT_DB_ALIAS]
        self.attempts = 0
        self._saved: tuple | None = None

    def _unreachable(self) -> dict:
        unreachable = dict(self.wrapper.settings_dict)
        if self.wrapper.vendor == "postgresql":
            with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            unreachable.update(HOST="127.0.0.1", PORT=str(port))
        elif self.wrapper.vendor == "sqlite":
            unreachable["NAME"] = str(Path("/nonexistent-jourplan-test-dir") / "gone.sqlite3")
        else:
            pytest.skip(f"no way to take a {self.wrapper.vendor} database down here")
        return unreachable

    def start(self) -> None:
        assert not self.wrapper.in_atomic_block, "an outage inside the test's transaction would lose it"
        original_connect = type(self.wrapper).get_new_connection

        def counted(conn_params):
            self.attempts += 1
            return original_connect(self.wrapper, conn_params)

        # The open connection is kept aside, not closed: SQLite's in-memory test database lives in it.
        self._saved = (self.wrapper.connection, self.wrapper.settings_dict)
        self.wrapper.connection = None
        self.wrapper.settings_dict = self._unreachable()
        self.wrapper.get_new_connection = counted

    def stop(self) -> None:
        if self._saved is None:
            return
        del self.wrapper.get_new_connection
        self.wrapper.connection, self.wrapper.settings_dict = self._saved
        self._saved = None


_outage: DatabaseOutage | None = None


@pytest.fixture
def outage(django_db_blocker):
    """The database is reachable until `outage.start()`; it is back after the test."""
    global _outage
    _outage = DatabaseOutage()
    with django_db_blocker.unblock():
        try:
            yield _outage
        finally:
            _outage.stop()
            _outage = None


@pytest.fixture
def database_down(outage):
    outage.start()
    return outage


@pytest.fixture(autouse=True)
def _production_mode(settings):
    settings.DEBUG = False


# --- Views that raise what real views raise (this module is their URLconf) --------------------------------


def _bad_request(request):
    raise BadRequest("a malformed parameter")


def _forbidden(request):
    raise PermissionDenied


def _query(request):
    User.objects.exists()
    return HttpResponse("unreachable with the database down")


def _logged_out_meanwhile(request):
    request.session["seen"] = True
    # She logs out in another tab while this request runs: her session's row is deleted.
    Session.objects.filter(session_key=request.session.session_key).delete()
    return HttpResponse("the view's own answer, replaced by the session page")


def _database_goes_down_before_the_session_is_saved(request):
    request.session["seen"] = True
    assert _outage is not None
    _outage.start()
    return HttpResponse("the view's own answer, replaced by the session page")


urlpatterns = [
    path("test-errors/bad-request/", _bad_request),
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/query/", _query),
    path("test-errors/logged-out-meanwhile/", _logged_out_meanwhile),
    path("test-errors/database-goes-down/", _database_goes_down_before_the_session_is_saved),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

NOT_A_PAGE = "/ingen-sida/finns/inte/h%C3%A4r.html"


# --- Helpers ----------------------------------------------------------------------------------------------


def _client(language: str | None = None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if language:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _assert_error_page(response, status: int, heading: str, language: str) -> str:
    """The page in the site's look, in her language, with nothing from elsewhere and nothing technical."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f'<h1 class="page-title">{heading}</h1>' in html
    assert '<a class="site-brand" href="/">Jourplan</a>' in html
    # The site's stylesheet, served from the site.
    audit = _PageAudit()
    audit.feed(html)
    assert audit.stylesheets == [static("css/jourplan.css")]
    assert finders.find("css/jourplan.css")
    # No external resource, no inline script or style; the site's CSP on the page.
    assert audit.problems == []
    assert "<script" not in html
    directives = _csp_directives(response.headers["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    # What she can do next is a link to the start page; the only code is the status.
    assert 'href="/"' in html
    assert f": {status}</p>" in html
    for technical in ("Traceback", "Exception", "OperationalError", "CSRF", "session_key", "Server Error"):
        assert technical not in html
    assert response["Cache-Control"].startswith("max-age=0")
    return html


# --- 404, 403, 400 with the database down -----------------------------------------------------------------


@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_404_renders_without_the_database(database_down, language, texts):
    with pytest.raises(Resolver404):
        resolve(NOT_A_PAGE)
    response = _client(language).get(NOT_A_PAGE)
    html = _assert_error_page(response, 404, texts[404], language or "sv")
    assert "Try again" not in html and "Försök igen" not in html  # reloading a missing page does not help
    assert database_down.attempts == 0


def test_404_follows_accept_language_without_a_cookie(database_down):
    response = _client().get(NOT_A_PAGE, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    _assert_error_page(response, 404, EN[404], "en")


def test_404_links_never_lead_to_another_site(database_down):
    response = _client().get("/", PATH_INFO="//elsewhere.example/x")
    html = _assert_error_page(response, 404, SV[404], "sv")
    assert "elsewhere.example" not in html


@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_403_renders_without_the_database(database_down, language, texts):
    response = _client(language).get("/test-errors/forbidden/")
    html = _assert_error_page(response, 403, texts[403], language or "sv")
    assert ("kontakta din samordnare" if language is None else "contact your coordinator") in html
    assert database_down.attempts == 0


@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_400_renders_without_the_database(database_down, language, texts):
    response = _client(language).get("/test-errors/bad-request/?page=2")
    html = _assert_error_page(response, 400, texts[400], language or "sv")
    assert 'href="/test-errors/bad-request/?page=2"' in html  # try again: the same address
    assert "a malformed parameter" not in html  # the exception's text stays in the log
    assert database_down.attempts == 0


# --- 500 ---------------------------------------------------------------------------------------------------


@pytest.mark.allow_error_logs
@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_a_page_that_needs_the_database_gives_the_500_page_when_it_is_down(database_down, language, texts):
    # She logs in: allauth looks her login up.
    login = reverse("account_login")
    response = _client(language).post(
        login, {"login": "anna@example.org", "password": "x"}, HTTP_REFERER=f"http://testserver{login}"
    )
    html = _assert_error_page(response, 500, texts[500], language or "sv")
    assert database_down.attempts >= 1  # the page did need the database
    assert f'href="{login}"' in html  # try again: the form's page
    assert ("ring din samordnare" if language is None else "call your coordinator") in html


@pytest.mark.allow_error_logs
@pytest.mark.urls(THIS_URLCONF)
def test_a_view_whose_query_fails_gives_the_swedish_500_page(database_down):
    response = _client().get("/test-errors/query/")
    _assert_error_page(response, 500, SV[500], "sv")
    assert database_down.attempts >= 1


@pytest.mark.allow_error_logs
@pytest.mark.django_db(transaction=True)
def test_signed_in_with_the_database_down_gives_the_500_page_and_keeps_her_logged_in(outage):
    user = User.objects.create_user(email="anna@example.org", password="x")
    client = _client()
    client.force_login(user)
    outage.start()
    response = client.get(reverse("home"))
    _assert_error_page(response, 500, SV[500], "sv")
    assert outage.attempts >= 1
    # A 5xx does not save or drop the session: when the database is back she is still logged in.
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    outage.stop()
    assert client.get(reverse("home")).wsgi_request.user == user


# --- A refused form (CSRF) --------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_a_form_without_its_token_gives_the_csrf_page(database_down, language, texts):
    client = _client(language, enforce_csrf_checks=True)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = "a" * 32  # an old token from a page left open
    login = reverse("account_login")
    response = client.post(login, {"login": "anna@example.org"}, HTTP_REFERER=f"http://testserver{login}?next=/x/")
    html = _assert_error_page(response, 403, texts["csrf"], language or "sv")
    assert f'href="{login}?next=/x/"' in html  # reload the form's page
    assert ("Logga in igen" if language is None else "Log in again") in html
    assert "cookies" not in html and "kakor" not in html  # she has cookies: no hint about them
    assert database_down.attempts == 0


def test_a_form_without_any_csrf_cookie_mentions_cookies(database_down):
    client = _client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "anna@example.org"})
    html = _assert_error_page(response, 403, SV["csrf"], "sv")
    assert "tillåter kakor" in html
    assert 'href="/accounts/login/"' in html  # no referer: log in, or the start page


def test_the_reload_link_never_leads_to_another_site(database_down):
    client = _client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {}, HTTP_REFERER="https://elsewhere.example/login/")
    html = _assert_error_page(response, 403, SV["csrf"], "sv")
    assert "elsewhere.example" not in html


# --- A session that could not be saved --------------------------------------------------------------------


@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_a_session_ended_elsewhere_gives_the_logged_out_page(language, texts):
    user = User.objects.create_user(email="anna@example.org", password="x")
    client = _client(language)
    client.force_login(user)
    response = client.get("/test-errors/logged-out-meanwhile/")
    html = _assert_error_page(response, 400, texts["session_ended"], language or "sv")
    assert "was deleted" not in html
    assert 'href="/accounts/login/?next=%2Ftest-errors%2Flogged-out-meanwhile%2F"' in html
    assert ("Det du just gjorde kan ha sparats" if language is None else "may have been saved") in html


@pytest.mark.allow_error_logs
@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "texts"), [(None, SV), ("en", EN)])
def test_a_session_the_database_refused_to_save_gives_a_server_error_page(outage, language, texts):
    user = User.objects.create_user(email="anna@example.org", password="x")
    client = _client(language)
    client.force_login(user)
    response = client.get("/test-errors/database-goes-down/")
    html = _assert_error_page(response, 503, texts["session_not_saved"], language or "sv")
    assert texts["not_logged_out"] in html
    assert outage.attempts >= 1  # the session's save did try the database
    assert "was deleted" not in html
    # Nothing ended: her session cookie is neither replaced nor dropped.
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
