"""With JavaScript off (an old phone, a strict browser setting) the portal still works: "Take the shift" and
"Release" are plain forms that post, redirect and say what happened."""

import re

from django.utils import timezone

from shifts.models import Assignment

from .conftest import assert_tap_target, swedish_date_pattern
from .volunteer_steps import STOCKHOLM, evening_shifts, phone_line, portal_url, publish_pledge, sign_pledge


def test_sign_up_and_release_work_without_javascript(phone, organisation, volunteer):
    sign_pledge(volunteer, publish_pledge(organisation))
    # Monday to Friday of one week (the open shifts show a week at a time), beyond the release deadline.
    monday = 7 + (-timezone.localdate(timezone=STOCKHOLM).weekday()) % 7
    shifts = evening_shifts(phone_line(organisation), 5, first_day=monday)
    visit = phone(volunteer, javascript=False)
    open_url = portal_url(organisation, "shifts:portal_open")
    mine_url = portal_url(organisation, "shifts:portal_mine")

    # The start page's list of next shifts is loaded by htmx; without it she still has a link there.
    page = visit.goto(portal_url(organisation))
    assert page.evaluate("document.documentElement.classList.contains('js')") is False
    assert page.get_by_role("link", name="Se mina pass").is_visible()
    visit.check("volunteer-portal-no-js")

    page.get_by_role("link", name="Lediga pass").first.click()
    page.wait_for_url(re.compile(re.escape(open_url) + "$"))
    take = page.get_by_role("button", name="Ta passet")
    assert take.count() == 5
    assert_tap_target(take.first)
    take.first.click()
    # A full page load: back on the open shifts (the same week) with a message, and the shift is gone from the list.
    page.wait_for_url(re.compile(re.escape(open_url) + r"\?week=[0-9-]+$"))
    page.get_by_role("status").get_by_text("Passet är ditt.").wait_for()
    assert page.get_by_role("button", name="Ta passet").count() == 4
    visit.check("volunteer-open-shifts-taken-no-js")
    assert Assignment.objects.active().filter(member=volunteer, shift=shifts[0]).exists()

    page = visit.goto(mine_url)
    card = page.locator(".shift-card")
    assert card.count() == 1
    assert swedish_date_pattern().fullmatch(card.locator("time").inner_text())
    release = card.get_by_role("button", name="Släpp")
    assert_tap_target(release)
    visit.check("volunteer-my-shifts-no-js")
    release.click()
    page.wait_for_url(re.compile(re.escape(mine_url) + "$"))
    page.get_by_role("status").get_by_text("Du har släppt passet.").wait_for()
    assert page.get_by_text("Du har inga kommande pass.").is_visible()
    visit.check("volunteer-shift-released-no-js")
    assert not Assignment.objects.active().filter(member=volunteer, shift=shifts[0]).exists()

    # The language switch keeps its submit button when there is no script to submit on change.
    page.get_by_label("Språk").select_option(label="English")
    page.get_by_role("button", name="Ändra").click()
    page.get_by_role("heading", name="My shifts").wait_for()
