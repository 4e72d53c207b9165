"""Issue 16's pages at a large shelter's density (10×: 30 lines, 600 volunteers, 2,790 shifts in a month), on a
phone and a laptop: open shifts, the month rota, the shift page with its assign list, and the phone menu. Each
page passes `Visit.check()` (axe, no sideways scrolling on a phone, nothing from another host, the transfer
budget), axe again in dark mode, and does not scroll sideways at 200 % zoom (half the viewport's CSS width)."""

import pytest
from django.urls import reverse

from benchmarks._density_seed import seed_density
from tests.browser.conftest import DESKTOP, PHONE, assert_no_axe_violations

from .volunteer_steps import open_menu


@pytest.fixture
def dense():
    return seed_density(lines=30, volunteers=600, days=31, slug="tiofaldig")


def _url(name: str, dense, query: str = "", **kwargs) -> str:
    return reverse(name, kwargs={"organisation": dense.organisation.slug, **kwargs}) + query


def _everywhere(visit, name: str) -> None:
    """The house checks, then axe in dark mode, then 200 % zoom (half the CSS width) without sideways scroll."""
    page = visit.check(name)
    page.emulate_media(color_scheme="dark")
    assert_no_axe_violations(page, f"{name}-dark")
    page.emulate_media(color_scheme="light")
    viewport = PHONE if visit.size == "phone" else DESKTOP
    page.set_viewport_size({"width": viewport["width"] // 2, "height": viewport["height"] // 2})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: scrolls sideways by {overflow}px at 200 % zoom"
    page.set_viewport_size(viewport)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_open_shifts_stay_a_week_at_a_time_at_ten_times_the_density(request, device, dense):
    visit = request.getfixturevalue(device)(dense.volunteer)
    page = visit.goto(_url("shifts:portal_open", dense))
    cards = page.locator(".shift-card")
    assert 0 < cards.count() <= 50  # a bounded page (40 shifts, 10 offers), not the month's 2,790 shifts
    assert page.get_by_text("plats ledig").or_(page.get_by_text("platser lediga")).first.is_visible()
    _everywhere(visit, f"dense-open-shifts-{device}")
    page.get_by_role("link", name="Nästa vecka").first.click()
    page.wait_for_url("**week=**")
    assert page.locator(".shift-card").count() <= 50
    _everywhere(visit, f"dense-open-shifts-next-week-{device}")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_month_rota_folds_busy_days_and_marks_only_gaps(request, device, dense):
    visit = request.getfixturevalue(device)(dense.coordinator)
    page = visit.goto(_url("shifts:rota_month", dense, f"?month={dense.month:%Y-%m}"))
    assert page.get_by_text("till").first.count() == 1  # "+N till": a busy day folds
    assert page.get_by_text("Saknar").first.count() == 1  # gaps are marked in words
    _everywhere(visit, f"dense-month-{device}")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_shift_page_offers_who_may_take_the_gap_first(request, device, dense):
    visit = request.getfixturevalue(device)(dense.coordinator)
    page = visit.goto(_url("shifts:rota_shift", dense, pk=dense.gap_shift.pk))
    page.get_by_text("Saknar").first.wait_for()
    offered = page.locator('#assign-choices input[type="radio"][name="member"]')
    offered.first.wait_for()  # the assign list, which htmx loads into the page
    assert 1 <= offered.count() <= 15  # not all 600 members
    _everywhere(visit, f"dense-shift-page-{device}")


def test_the_phone_menu_shows_every_coordinator_item(phone, dense):
    visit = phone(dense.coordinator)
    page = visit.goto(_url("members:portal", dense))
    open_menu(page)
    nav = page.get_by_role("navigation", name="Huvudmeny").or_(page.locator("nav.site-nav")).first
    for name in ("Schema", "Medlemmar", "Logga ut"):
        item = nav.get_by_role("link", name=name, exact=True).or_(nav.get_by_role("button", name=name)).first
        assert item.is_visible()
        box = item.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44
    _everywhere(visit, "dense-phone-menu")
