"""The whole path (issue 19): a person asks to join on her phone; the admin sets up the shelter's standard path and
moves her card through the board on her laptop (the interview, the record extract and the basic training recorded on
the way) until she is active; she logs in on her phone, signs the pledge and takes a shadow shift (bisittning) on a
line that asks for one before she works it alone. In English (the language cookie), so the journey reads the same
before and after the Swedish catalogue is updated; the steps themselves are the shelter's Swedish words."""

from urllib.parse import urlsplit

from django.conf import settings as django_settings

from memberpath.models import PathProgress
from members.models import Member, MemberStatus, Role
from shifts.models import Assignment, AssignmentStatus
from tests.factories import AssignmentFactory, MemberFactory, UserFactory
from tests.shifts.scenarios import past_shifts

from .volunteer_steps import evening_shifts, open_menu, phone_line, portal_url, publish_pledge


def in_english(visit):
    host = urlsplit(visit.base_url).hostname
    visit.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}]
    )
    return visit


def move_on(page, card_id: str, step: str, next_step: str | None) -> None:
    """Press "Move on to <step>" on her card (htmx swaps the board), and wait until the card shows the next button
    (or, in the last column, no button to move on)."""
    card = page.locator(f"#{card_id}")
    card.get_by_role("button", name=f"Move on to {step}").click()
    page.get_by_text(f"moved on to {step}").wait_for()
    card = page.locator(f"#{card_id}")
    if next_step:
        card.get_by_role("button", name=f"Move on to {next_step}").wait_for()


def test_she_asks_to_join_is_moved_to_active_and_takes_a_shadow_shift(desktop, phone, organisation, settings):
    settings.INTEREST_MIN_SECONDS = 0  # the form's "too fast for a person" guard: a test types faster than anyone
    pledge = publish_pledge(organisation)
    chat = phone_line(
        organisation, name="Chatten", needs_pledge=True, required_shadow_shifts=1, experienced_after_shifts=2
    )
    veteran = MemberFactory(organisation=organisation, first_name="Vanja")
    past_shifts(chat, veteran, 2)
    [shift] = evening_shifts(chat, 1, first_day=2)
    AssignmentFactory(shift=shift, member=veteran)
    admin = MemberFactory(organisation=organisation, role=Role.ADMIN, first_name="Agnes")

    # On her phone: the shelter's public form.
    visitor = in_english(phone())
    page = visitor.goto(portal_url(organisation, "members:join"))
    page.get_by_label("First name").fill("Sara")
    page.get_by_label("E-mail address").fill("sara.ny@example.org")
    visitor.check("path-join-form")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    sara = Member.objects.get(organisation=organisation, email="sara.ny@example.org")
    assert sara.status == MemberStatus.PROSPECTIVE and sara.user is None

    # On the admin's laptop: the board, the standard path, and Sara's card through it.
    laptop = in_english(desktop(admin))
    page = laptop.goto(portal_url(organisation))
    page.get_by_role("link", name="The path in").click()
    page.get_by_role("button", name="Use the standard path").click()
    card_id = f"path-member-{sara.pk}"
    page.locator(f"#{card_id}").wait_for()
    laptop.check("path-board")
    move_on(page, card_id, "Intervju", "Registerutdrag")
    page.locator(f"#{card_id}").get_by_label("Interview held on").wait_for()
    move_on(page, card_id, "Registerutdrag", "Grundutbildning")
    move_on(page, card_id, "Grundutbildning", "Aktiv")
    laptop.check("path-board-evidence")
    move_on(page, card_id, "Aktiv", None)
    assert page.locator(f"#{card_id}").get_by_role("button", name="Back to Grundutbildning").is_visible()
    sara.refresh_from_db()
    assert sara.status == MemberStatus.ACTIVE
    assert PathProgress.objects.filter(member=sara, done_by=admin).count() == 4
    assert sara.interviews.count() == 1 and sara.record_checks.count() == 1 and sara.training_records.count() == 1

    # The steps of the path (admins).
    page.get_by_role("link", name="Steps of the path").click()
    page.get_by_role("heading", name="Add a step").wait_for()
    laptop.check("path-steps")

    # The board on a phone: the columns stack, nothing scrolls sideways.
    small = in_english(phone(admin))
    small.goto(portal_url(organisation, "memberpath:board"))
    small.check("path-board")

    # Her login (an invitation's set-password link is its own journey: test_volunteer_invitation.py).
    sara.user = UserFactory(email=sara.email)
    sara.save(update_fields=["user"])

    # On her phone: she signs the pledge and sits beside Vanja on the chat.
    her = in_english(phone(sara))
    page = her.goto(portal_url(organisation))
    open_menu(page)
    page = her.goto(portal_url(organisation, "members:pledge"))
    page.get_by_role("button", name="I have read and sign the pledge").click()
    page.get_by_text("Thank you. Your signature has been saved.").wait_for()
    assert sara.pledge_signatures.filter(pledge_text=pledge).exists()
    page = her.goto(portal_url(organisation, "shifts:portal_open") + "?all=1")
    page.get_by_role("button", name="Sit beside").first.click()
    page.wait_for_load_state("load")
    her.check("path-shadow-shift")
    assignment = Assignment.objects.get(shift=shift, member=sara)
    assert assignment.status == AssignmentStatus.SHADOW
