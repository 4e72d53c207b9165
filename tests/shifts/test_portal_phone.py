"""On a 360×740 phone the open-shifts list shows at least five shifts without scrolling (real Chromium)."""

import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import log_in, require_service
from tests.factories import LineFactory, ShiftFactory

CHROMIUM = shutil.which("chromium-headless-shell") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.django_db(transaction=True)
def test_five_open_shifts_fit_on_a_phone_screen(live_server, client, organisation, volunteer):
    require_service(CHROMIUM is not None, "no system Chromium")
    line = LineFactory(organisation=organisation, name="Telefonjouren")
    # Eight shifts on one day, next Monday (the page shows a week at a time, under day headings).
    today = timezone.localdate(timezone=organisation.zone)
    monday = today + timedelta(days=7 - today.weekday())
    start = datetime.combine(monday, time(7, 0), tzinfo=organisation.zone)
    for i in range(8):
        ShiftFactory(line=line, starts_at=start + timedelta(hours=2 * i), hours=2)
    log_in(client, volunteer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # In a thread of its own: after the tests in tests/browser, pytest-playwright's session-wide browser keeps an
    # event loop running in this thread, and the sync API refuses to start inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_tap_through, live_server, organisation, session, monday).result()
    assert volunteer.assignments.count() == 1


def _tap_through(live_server, organisation, session, monday):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale="sv-SE")
            host = live_server.url.split("//")[1].split(":")[0]
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}])
            page = context.new_page()
            open_url = reverse("shifts:portal_open", kwargs={"organisation": organisation.slug})
            page.goto(f"{live_server.url}{open_url}?week={monday:%Y-%m-%d}")
            cards = page.locator(".shift-card")
            assert cards.count() == 8
            visible = [
                box
                for box in (cards.nth(i).bounding_box() for i in range(cards.count()))
                if box and box["y"] + box["height"] <= 740
            ]
            buttons = page.get_by_role("button", name="Ta passet")
            assert buttons.count() == 8
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            print(f"{len(visible)} shift cards fully visible on 360x740")
            page.screenshot(path="var/h1-open-phone.png")
            assert len(visible) >= 5
            # One tap with htmx: the card is swapped in place and says so; the page is not reloaded.
            buttons.first.click()
            page.locator(".shift-card", has_text="Passet är ditt.").wait_for()
            assert page.get_by_role("button", name="Ta passet").count() == 7
        finally:
            browser.close()
