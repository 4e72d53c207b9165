"""A new volunteer with nothing yet: every empty page says what to do next, and her trainings page lets her
sign up for a session with one tap."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tests.factories import CourseFactory, TrainingSessionFactory
from trainings.models import SessionSignup

from .conftest import assert_tap_target, swedish_date_pattern
from .volunteer_steps import STOCKHOLM, open_menu, portal_url


def test_empty_pages_say_what_to_do_next(phone, organisation, volunteer):
    visit = phone(volunteer)

    page = visit.goto(portal_url(organisation, "shifts:portal_open"))
    assert page.get_by_text("Just nu finns inga lediga pass som du kan ta.").is_visible()
    assert page.get_by_role("link", name="Mina pass").is_visible()
    visit.check("volunteer-open-shifts-empty")

    page = visit.goto(portal_url(organisation, "shifts:portal_mine"))
    empty = page.locator(".empty-state")
    assert empty.get_by_text("Du har inga kommande pass.").is_visible()
    empty.get_by_role("link", name="Se lediga pass").click()
    page.get_by_role("heading", name="Lediga pass").wait_for()

    page = visit.goto(portal_url(organisation, "trainings:mine"))
    assert page.get_by_text("Inga utbildningar är registrerade för dig än.").is_visible()
    assert page.get_by_text("fråga din samordnare").is_visible()
    visit.check("volunteer-trainings-empty")


def test_she_signs_up_for_a_training_session(phone, organisation, volunteer):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    day = timezone.localdate(timezone=STOCKHOLM) + timedelta(days=10)
    starts = datetime.combine(day, time(18, 0), tzinfo=STOCKHOLM)
    session = TrainingSessionFactory(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=3), place="Digitalt", capacity=12
    )
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    open_menu(page)
    page.get_by_role("link", name="Mina utbildningar").click()
    page.get_by_role("heading", name="Mina utbildningar").wait_for()
    card = page.locator(".shift-card", has_text="Grundutbildning")
    assert swedish_date_pattern().search(card.locator("time").inner_text()), card.locator("time").inner_text()
    sign_up = card.get_by_role("button", name="Anmäl mig Grundutbildning")
    assert_tap_target(sign_up)
    visit.check("volunteer-trainings")
    sign_up.click()
    page.locator(".shift-card", has_text="Grundutbildning").locator(".badge").get_by_text("Du är anmäld").wait_for()
    assert SessionSignup.objects.filter(session=session, member=volunteer).exists()
    visit.check("volunteer-trainings-signed-up")
