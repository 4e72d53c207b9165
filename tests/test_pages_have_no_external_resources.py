"""Every main page is served from the site itself: no third-party resources, no inline script or style,
and a Content-Security-Policy that allows scripts and styles only from 'self'."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from core.models import User

from .conftest import log_in

URL_ATTRIBUTES = {"src", "href", "action", "srcset", "poster", "data"}
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*((?:https?:)?//[^'\")\s]*)", re.IGNORECASE)


def _is_external(value: str) -> bool:
    return bool(EXTERNAL.match(value))


class _PageAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stylesheets: list[str] = []
        self._in_inline_script = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                candidates = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                self.problems += [f"<{tag} {name}={value!r}>" for c in candidates if _is_external(c)]
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>: inline style attribute")
            self.problems += [f"<{tag} {name}=…url({url})>" for url in CSS_URL.findall(value)]
        if tag == "script" and not attributes.get("src"):
            if (attributes.get("type") or "").lower() != "application/json":
                self.problems.append(f"<script {attrs!r}> without src: inline script")
            else:
                self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element: inline style block")
            self._in_style = True
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split():
            self.stylesheets.append(attributes.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.problems += [f"<style> url({url})" for url in CSS_URL.findall(data)]


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _audit(response, url: str) -> None:
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url} has no Content-Security-Policy header"
    directives = _csp_directives(header)
    for directive in ("script-src", "style-src"):
        assert directives.get(directive) == ["'self'"], f"{url}: {directive} is {directives.get(directive)!r}"
    assert "unsafe-inline" not in header, f"{url}: CSP allows 'unsafe-inline': {header}"

    audit = _PageAudit()
    audit.feed(response.content.decode(response.charset or "utf-8"))
    audit.close()
    assert not audit.problems, f"{url}:\n" + "\n".join(audit.problems)

    # The site's own stylesheets must not pull in anything from elsewhere either.
    for href in audit.stylesheets:
        path = href.split("?")[0]
        assert path.startswith("/static/"), f"{url}: stylesheet {href!r} is not a static file"
        found = finders.find(path.removeprefix("/static/"))
        assert found, f"{url}: stylesheet {href!r} not found"
        with open(found, encoding="utf-8") as css:
            external = CSS_URL.findall(css.read())
        assert not external, f"{href} loads {external}"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="operator@example.org", password="correct-horse-battery-42")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_anonymous_pages(client, url_name):
    url = reverse(url_name)
    assert url in ("/accounts/login/", "/accounts/password/reset/")
    _audit(client.get(url), url)


@pytest.mark.django_db
def test_volunteer_pages(client, volunteer):
    log_in(client, volunteer, second_factor=False)
    url = reverse("members:portal", kwargs={"organisation": volunteer.organisation.slug})
    _audit(client.get(url), url)


@pytest.mark.django_db
def test_coordinator_pages(client, coordinator):
    log_in(client, coordinator, second_factor=True)
    slug = coordinator.organisation.slug
    for url in (
        reverse("members:portal", kwargs={"organisation": slug}),
        reverse("members:invite", kwargs={"organisation": slug}),
    ):
        _audit(client.get(url), url)


@pytest.mark.django_db
def test_superuser_pages(client, superuser, organisation):
    log_in(client, superuser, second_factor=True)
    url = reverse("federation:shelters")
    _audit(client.get(url), url)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_account_pages_for_logged_in_member(client, volunteer, url_name):
    """Logged in, the account pages may redirect; wherever they land must pass the same audit."""
    log_in(client, volunteer, second_factor=False)
    response = client.get(reverse(url_name), follow=True)
    _audit(response, response.request["PATH_INFO"])


def test_the_audit_catches_what_it_should():
    audit = _PageAudit()
    audit.feed(
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<img srcset="/a.png 1x, //cdn.example.com/b.png 2x">'
        '<form action="http://evil.example"></form><object data="https://x.example/y"></object>'
        '<video poster="//x.example/p.png"></video><div style="color: red"></div><script>alert(1)</script>'
        '<script type="application/json">{"ok": true}</script><style>body{background:url(https://x.example/b.png)}</style>'
    )
    assert len(audit.problems) == 9, audit.problems
