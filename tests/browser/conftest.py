"""Real-browser journeys (pytest-playwright driving Debian's Chromium) against pytest-django's live_server.

Volunteers are driven at a phone viewport (360×740), coordinators at 1280×800, both with locale sv-SE
and time zone Europe/Stockholm. Every page a journey visits goes through `Visit.check()`: axe-core finds no
violation of any impact, the page does not scroll sideways on a phone, nothing is fetched from another host,
the page's HTML + CSS + JS stay under the transfer budget (gzip-compressed), and a screenshot is saved under
var/screenshots/ for a person to review.
"""

import gzip
import inspect
import re
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from members.middleware import SESSION_KEY
from tests.conftest import require_service

# Debian's chromium-headless-shell (the old headless mode, what Playwright itself runs headless) uses about half
# the CPU of the full browser for the same pages; the full `chromium` still works where it is not installed.
CHROMIUM = shutil.which("chromium-headless-shell") or shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
PAGE_BUDGET_BYTES = 150 * 1024
TAP_TARGET_PX = 44
# Flags for a closed network: no background fetches to Google, no GPU, root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last: once pytest-playwright's session-wide browser is up, its event loop lives in
    the main thread, and Django refuses synchronous ORM calls from there (the browser tests allow them)."""
    browser_tests = []
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))
            browser_tests.append(item)
    moved = set(browser_tests)
    # Longest journeys first (a journey's length by its source, shared among its parameters): pytest-xdist's
    # worksteal hands an idle worker the end of another worker's queue, so short tests there even out the finish.
    shares = Counter(item.function for item in browser_tests)
    browser_tests.sort(key=lambda item: -_source_length(item.function) / shares[item.function])
    items[:] = [item for item in items if item not in moved] + browser_tests


def _source_length(function) -> int:
    try:
        return len(inspect.getsource(function))
    except (OSError, TypeError):
        return 0


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls are still
    synchronous. Set from the first browser test to the end of the run (browser tests run last): session-wide,
    because the session's browser starts before the test database is created and stays up until after the
    last test's database flush, both of which a function-scoped setting would miss."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright's launch options: the system Chromium (Playwright cannot download one here)."""
    require_service(CHROMIUM is not None, "no system Chromium (install Debian's `chromium-headless-shell`)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass
class Visit:
    """One browser context (a person on a device) with what it fetched, and the page checks."""

    context: object
    base_url: str
    size: str  # "phone" or "desktop"
    responses: list = field(default_factory=list)
    javascript: bool = True

    def __post_init__(self):
        self.page = self.context.new_page()
        self.page.on("response", self._record)

    def _record(self, response):
        # A new document in the tab (a link followed, a form posted) starts a new page load: what the
        # previous page fetched no longer counts, and its bodies are gone.
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.responses.clear()
        self.responses.append(response)

    def goto(self, path: str):
        self.responses.clear()
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def check(self, name: str, *, budget: bool = True):
        """The checks every visited page must pass; saves var/screenshots/<name>-<size>.png."""
        page = self.page
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.size}.png"), full_page=True)
        if self.javascript:
            assert_no_axe_violations(page, name)
        else:
            assert_no_axe_violations_without_javascript(page, name)
        if self.size == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide = page.evaluate(
                    """(limit) => {
                        const clipped = (el) => {
                            for (let up = el.parentElement; up; up = up.parentElement) {
                                if (!['visible', ''].includes(getComputedStyle(up).overflowX)) return true;
                            }
                            return false;
                        };
                        return [...document.querySelectorAll('body *')]
                            .filter((el) => el.getBoundingClientRect().right > limit + 0.5 && !clipped(el))
                            .map((el) => el.outerHTML.slice(0, 120));
                    }""",
                    PHONE["width"],
                )
                pytest.fail(f"{name}: scrolls sideways on a phone ({width}px wide); too wide: {wide[:5]}")
        host = urlsplit(self.base_url).netloc
        foreign = [r.url for r in self.responses if urlsplit(r.url).netloc not in (host, "")]
        assert not foreign, f"{name}: requests to another host: {foreign}"
        if budget:
            total = transferred_bytes(self.responses)
            assert total < PAGE_BUDGET_BYTES, f"{name}: {total} bytes compressed, budget {PAGE_BUDGET_BYTES}"
        return page


def transferred_bytes(responses) -> int:
    """HTML + CSS + JS of a page load, gzip-compressed as a production server would send them."""
    total = 0
    for response in responses:
        kind = (response.headers.get("content-type") or "").split(";")[0]
        if kind in ("text/html", "text/css", "text/javascript", "application/javascript"):
            if 300 <= response.status < 400:
                continue  # a redirect has no body to count
            total += len(gzip.compress(response.body(), compresslevel=6))
    return total


def assert_no_axe_violations(page, name: str):
    """axe-core (vendored from the npm registry) finds no violation of any impact, contrast included."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    if violations:
        lines = []
        for violation in violations:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
            # What axe measured on the first element (e.g. the contrast ratio and colours), to fix it fast.
            lines.append("    " + " ".join(violation["nodes"][0].get("failureSummary", "").split()))
        pytest.fail(f"axe on {name}:\n  " + "\n  ".join(lines))


def assert_no_axe_violations_without_javascript(page, name: str):
    """axe needs JavaScript. With it off, axe checks a copy of the page's HTML, scripts stripped so the DOM is
    the one a visitor without JavaScript gets, in a JavaScript tab of the same size (styles from the same server)."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.DOTALL | re.IGNORECASE)
    url = page.url.split("#", 1)[0]  # a route sees the request's URL, never its #fragment
    context = _context(page.context.browser, page.viewport_size)
    try:
        copy = context.new_page()
        copy.route(
            lambda each: each == url, lambda route: route.fulfill(status=200, body=html, content_type="text/html")
        )
        copy.goto(url)
        assert copy.title() == page.title(), f"{name}: the copy for axe is not the page"
        assert_no_axe_violations(copy, name)
    finally:
        context.close()


def assert_tap_target(locator):
    """A primary action is at least 44×44 px and touches no other control."""
    box = locator.bounding_box()
    assert box, "the control is not visible"
    assert box["width"] >= TAP_TARGET_PX and box["height"] >= TAP_TARGET_PX, f"too small to tap: {box}"
    touching = locator.evaluate(
        """(el) => {
            const r = el.getBoundingClientRect();
            const controls = document.querySelectorAll('a, button, input, select, textarea, summary, [role=button]');
            return [...controls].filter((o) => {
                if (o === el || el.contains(o) || o.contains(el)) return false;
                const q = o.getBoundingClientRect();
                if (q.width === 0 || q.height === 0) return false;
                return !(q.right < r.left || q.left > r.right || q.bottom < r.top || q.top > r.bottom);
            }).map((o) => o.outerHTML.slice(0, 80));
        }"""
    )
    assert not touching, f"touches other controls: {touching}"


def log_in_context(context, member, base_url: str, *, second_factor: bool = True):
    """Give a browser context the session of `member` (as tests.conftest.log_in does for the test client)."""
    from django.test import Client

    client = Client()
    client.force_login(getattr(member, "user", member))
    if second_factor:
        session = client.session
        session[SESSION_KEY] = True
        session.save()
    host = urlsplit(base_url).hostname
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}])


def _context(browser, viewport, **extra):
    # bypass_csp lets the test inject axe-core; the app's own pages still run under its strict CSP.
    return browser.new_context(
        viewport=viewport, locale="sv-SE", timezone_id="Europe/Stockholm", bypass_csp=True, **extra
    )


@contextmanager
def _devices(browser, live_server, size: str, viewport: dict, **device):
    """Yields `open(member=None, *, javascript=True, second_factor=True)` → a Visit on this device; closes
    every context it opened afterwards."""
    contexts = []

    def open_device(
        member=None, *, javascript: bool = True, second_factor: bool = True, service_workers: str = "block"
    ):
        # The portal's service worker (static/js/sw.js) fetches in the background; only the journeys of the
        # installable portal let it run, so no other test ends while it still talks to the server.
        context = _context(browser, viewport, java_script_enabled=javascript, service_workers=service_workers, **device)
        contexts.append(context)
        _count_requests_in_flight(context)
        if member is not None:
            log_in_context(context, member, live_server.url, second_factor=second_factor)
        return Visit(context=context, base_url=live_server.url, size=size, javascript=javascript)

    try:
        yield open_device
    finally:
        for context in contexts:
            _wait_for_requests_in_flight(context)
            context.close()


def _count_requests_in_flight(context) -> None:
    """Counts the context's requests that have not yet finished (a fragment htmx loads after the page, say)."""
    context.in_flight = 0

    def started(_request):
        context.in_flight += 1

    def ended(_request):
        context.in_flight -= 1

    context.on("request", started)
    context.on("requestfinished", ended)
    context.on("requestfailed", ended)


def _wait_for_requests_in_flight(context, *, seconds: float = 5.0) -> None:
    """Before the context closes and the test's database is emptied, let the server finish what the pages asked
    (a request cut off mid-way would find its session gone and log an error). Bounded: at most `seconds`."""
    deadline = time.monotonic() + seconds
    pages = context.pages
    while getattr(context, "in_flight", 0) > 0 and pages and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)  # lets Playwright deliver the events that lower the count


@pytest.fixture
def phone(browser, live_server):
    """A volunteer's phone: `phone(member)` gives a logged-in Visit; `phone()` an anonymous one."""
    with _devices(browser, live_server, "phone", PHONE, has_touch=True, is_mobile=True) as open_phone:
        yield open_phone


@pytest.fixture
def desktop(browser, live_server):
    """A coordinator's laptop: `desktop(member)` gives a logged-in Visit; `desktop()` an anonymous one."""
    with _devices(browser, live_server, "desktop", DESKTOP) as open_desktop:
        yield open_desktop


def swedish_date_pattern() -> re.Pattern:
    """ "tis 3 mars 20:00–23:00": weekday, day, month in Swedish, then a time range."""
    return re.compile(r"(mån|tis|ons|tors|fre|lör|sön) \d{1,2} [a-zåäö]+\.? \d{2}:\d{2}–\d{2}:\d{2}")
