"""A volunteer on her phone: signs the pledge the portal asks for, finds an open shift she is qualified for and
takes it in two taps from the portal's start page, sees it under "my shifts" with a Swedish date; joins the
waiting list of a full shift, releases a shift, offers one for swap, and a colleague takes the offer."""

import re

from django.urls import reverse
from django.utils import timezone

from members.models import PledgeSignature
from shifts.models import Assignment, AssignmentStatus, SwapOffer, WaitingListEntry
from tests.factories import AssignmentFactory, MemberFactory

from .conftest import PHONE, assert_tap_target, swedish_date_pattern, transferred_bytes
from .volunteer_steps import STOCKHOLM, evening_shifts, phone_line, portal_url, publish_pledge, sign_pledge


def _taps(page) -> list[str]:
    """Record her taps on this page: every click on a link or button (htmx swaps keep the record)."""
    page.evaluate(
        """() => { window.__taps = [];
            document.addEventListener('click', (e) => {
                const control = e.target.closest('a, button');
                if (control) window.__taps.push(control.textContent.trim());
            }, true); }"""
    )


def test_she_signs_the_pledge_and_takes_a_shift_in_two_taps(phone, organisation, volunteer):
    pledge = publish_pledge(organisation)
    line = phone_line(organisation)
    # Every evening of next week (the open shifts show a week at a time, first the week of her next shift).
    shifts = evening_shifts(line, 7, first_day=7 - timezone.localdate(timezone=STOCKHOLM).weekday())
    visit = phone(volunteer)

    # Before anything: "my shifts" is empty and says what to do next.
    page = visit.goto(portal_url(organisation, "shifts:portal_mine"))
    assert page.get_by_text("Du har inga kommande pass.").is_visible()
    assert page.get_by_role("link", name="Se lediga pass").is_visible()
    visit.check("volunteer-my-shifts-empty")

    # Until she has signed the pledge, the line's shifts are not open to her, and the portal asks for it.
    page = visit.goto(portal_url(organisation, "shifts:portal_open"))
    assert page.get_by_role("button", name="Ta passet").count() == 0
    page.get_by_label("Visa även pass du inte kan ta").check()  # the reasons, one tap away
    page.get_by_text("tystnadslöfte").first.wait_for()
    visit.check("volunteer-open-shifts-blocked")
    page = visit.goto(portal_url(organisation))
    pledge_card = page.get_by_role("region", name="Tystnadslöfte")
    assert pledge_card.is_visible()
    visit.check("volunteer-portal-pledge-to-sign")
    pledge_card.get_by_role("link", name="Läs och skriv under").click()
    page.get_by_text(pledge.text).wait_for()
    visit.check("volunteer-pledge")
    page.get_by_role("button", name="Jag har läst och skriver under tystnadslöftet").click()
    page.get_by_text("Tack. Din underskrift har sparats.").wait_for()
    assert page.locator(".badge", has_text="Underskrivet").is_visible()
    visit.check("volunteer-pledge-signed")
    assert PledgeSignature.objects.filter(member=volunteer, pledge_text=pledge).exists()

    # From the portal's start page to a confirmed sign-up: two taps.
    page = visit.goto(portal_url(organisation))
    assert page.get_by_role("region", name="Tystnadslöfte").count() == 0
    visit.check("volunteer-portal")
    page.get_by_role("link", name="Lediga pass").first.click()  # tap 1
    page.wait_for_url(re.compile(re.escape(portal_url(organisation, "shifts:portal_open")) + "$"))
    _taps(page)  # from here on every tap is recorded, so a confirmation step could not hide
    visit.check("volunteer-open-shifts")
    print(f"open shifts page: {transferred_bytes(visit.responses)} bytes HTML+CSS+JS gzip-compressed")

    # At least four open shifts fit on the screen without scrolling, each with its button (one shift an evening:
    # each under its own day's heading; five fit when a day has several, tests/shifts/test_portal_phone.py).
    cards = page.locator(".shift-card")
    assert cards.count() == 7
    boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
    visible = [box for box in boxes if box["y"] + box["height"] <= PHONE["height"]]
    print(f"open shifts fully visible on 360x740: {len(visible)}")
    assert len(visible) >= 4
    take = page.get_by_role("button", name="Ta passet")
    assert take.count() == 7
    assert_tap_target(take.first)

    take.first.click()  # tap 2
    first_card = cards.first
    first_card.get_by_text("Passet är ditt.").wait_for()
    taps = page.evaluate("window.__taps")
    assert taps == ["Ta passet"], taps  # with "Lediga pass" on the start page: two taps in all
    assert Assignment.objects.filter(member=volunteer, shift=shifts[0], status=AssignmentStatus.CONFIRMED).exists()
    visit.check("volunteer-open-shifts-taken")

    # It is under "my shifts", written the Swedish way ("tis 3 mars 20:00–23:00").
    page = visit.goto(portal_url(organisation, "shifts:portal_mine"))
    mine = page.locator(".shift-card")
    assert mine.count() == 1
    when = mine.first.locator("time").inner_text()
    assert swedish_date_pattern().fullmatch(when), when
    assert when.endswith("20:00–23:00")
    assert "Telefonjouren" in mine.first.inner_text()
    visit.check("volunteer-my-shifts")


def test_waiting_list_release_and_a_swap_taken_by_a_colleague(phone, organisation, volunteer):
    pledge = publish_pledge(organisation)
    siri = MemberFactory(organisation=organisation, first_name="Siri")
    tove = MemberFactory(organisation=organisation, first_name="Tove")
    for member in (volunteer, siri, tove):
        sign_pledge(member, pledge)
    line = phone_line(organisation, max_volunteers=1)
    # Beyond the release deadline; the last one stays open with nobody on it.
    full, to_release, to_swap, _empty = evening_shifts(line, 4, first_day=7)
    AssignmentFactory(shift=full, member=tove)
    AssignmentFactory(shift=to_release, member=volunteer)
    swapped = AssignmentFactory(shift=to_swap, member=volunteer)

    # A full shift: she joins its waiting list.
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation, "shifts:portal_open"))
    card = page.locator(".shift-card").filter(has=page.get_by_role("button", name="Ställ mig i kö"))
    assert card.count() == 1
    assert "Fullt – kö möjlig" in card.inner_text()  # staffing in words, not colour alone
    visit.check("volunteer-open-shifts-full")
    card.get_by_role("button", name="Ställ mig i kö").click()
    page.get_by_text("Du står i kö").first.wait_for()
    assert WaitingListEntry.objects.filter(member=volunteer, shift=full).exists()
    visit.check("volunteer-waiting-list-joined")

    # Her shifts: release one, offer the other for swap.
    page = visit.goto(portal_url(organisation, "shifts:portal_mine"))
    assert page.get_by_role("heading", name="Mina köplatser").is_visible()
    visit.check("volunteer-my-shifts-with-queue")
    mine = page.get_by_role("list", name="Mina nästa pass").locator(":scope > li")
    assert mine.count() == 2
    release = mine.first.get_by_role("button", name="Släpp")
    assert_tap_target(release)
    assert_tap_target(mine.nth(1).get_by_role("button", name="Erbjud byte"))
    release.click()
    page.get_by_text("Du har släppt passet.").wait_for()
    assert not Assignment.objects.active().filter(member=volunteer, shift=to_release).exists()
    visit.check("volunteer-shift-released")

    offer_button = page.get_by_role("button", name="Erbjud byte")
    assert offer_button.count() == 1
    offer_button.click()
    page.get_by_text("Ditt pass erbjuds till dina kolleger").wait_for()
    assert SwapOffer.objects.filter(assignment=swapped).exists()
    visit.check("volunteer-shift-offered")

    # Her colleague, on her own phone, sees the offer and takes it over.
    colleague = phone(siri)
    page = colleague.goto(portal_url(organisation, "shifts:portal_open"))
    offers = page.get_by_role("region", name="Pass som kolleger erbjuder")
    take_over = offers.get_by_role("button", name="Ta över")
    assert take_over.count() == 1
    assert_tap_target(take_over)
    # The offered shift is full, but it is shown once, as the offer, not also with "join the queue".
    assert page.get_by_role("button", name="Ställ mig i kö").count() == 1  # only Tove's shift
    colleague.check("colleague-open-shifts-with-offer")
    take_over.click()
    page.get_by_text("Du har tagit över passet.").wait_for()
    colleague.check("colleague-offer-taken")
    assert Assignment.objects.active().filter(member=siri, shift=to_swap).exists()
    assert not Assignment.objects.active().filter(member=volunteer, shift=to_swap).exists()

    # Back on her phone the swapped shift is gone from her list; her waiting-list place remains.
    page = visit.goto(portal_url(organisation, "shifts:portal_mine"))
    assert page.get_by_role("list", name="Mina nästa pass").count() == 0
    assert page.get_by_text("Du har inga kommande pass.").is_visible()
    assert page.get_by_role("button", name="Lämna kön").count() == 1
    assert reverse("shifts:portal_open", kwargs={"organisation": organisation.slug}) in page.get_by_role(
        "link", name="Se lediga pass"
    ).get_attribute("href")


def test_she_can_take_a_shift_with_the_keyboard_alone(phone, organisation, volunteer):
    sign_pledge(volunteer, publish_pledge(organisation))
    shift = evening_shifts(phone_line(organisation), 1)[0]
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation, "shifts:portal_open"))

    # Tab from the top of the page: the skip link first, then on to the shift's button, each with a visible focus.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hoppa till innehållet"
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Ta passet":
            break
    else:
        raise AssertionError("the sign-up button cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "no visible focus on the button"
    page.keyboard.press("Enter")
    page.get_by_text("Passet är ditt.").wait_for()
    assert Assignment.objects.active().filter(member=volunteer, shift=shift).exists()
    # The card was replaced under her focus: focus moves to the new card (a screen reader reads "Passet är
    # ditt."), not back to the top of the page.
    page.wait_for_function("document.activeElement !== document.body")
    assert "Passet är ditt." in page.evaluate("document.activeElement.closest('li').textContent")
