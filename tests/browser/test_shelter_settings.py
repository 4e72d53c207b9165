"""The shelter's settings (issue 19, point 5): an admin changes the release deadline on her laptop, and the
volunteer's own shifts on her phone follow it. In English (the language cookie), so the journey reads the same
before and after the Swedish catalogue is updated."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from members.models import Role
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

from .volunteer_steps import portal_url


def in_english(visit):
    host = urlsplit(visit.base_url).hostname
    visit.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}])
    return visit


def test_an_admin_changes_the_release_deadline_and_the_portal_follows(desktop, phone, organisation, volunteer):
    line = LineFactory(organisation=organisation, name="Telefonjouren", min_volunteers=1, max_volunteers=2)
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=56)
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=starts, ends_at=starts + timedelta(hours=3)), member=volunteer
    )
    her = in_english(phone(volunteer))
    page = her.goto(portal_url(organisation, "shifts:portal_mine"))
    assert page.get_by_role("button", name="Release").count() == 1  # 55–56 hours ahead, the deadline is 48

    admin = MemberFactory(organisation=organisation, role=Role.ADMIN)
    visit = in_english(desktop(admin))
    settings_page = visit.goto(portal_url(organisation, "members:portal"))
    settings_page.get_by_role("link", name="Settings").click()
    settings_page.get_by_text("until 48 hours before it starts").wait_for()
    visit.check("admin-shelter-settings")
    settings_page.get_by_label("Hours before the start a volunteer can still release a shift").fill("72")
    settings_page.get_by_role("button", name="Save").click()
    settings_page.get_by_text("The settings have been saved.").wait_for()
    settings_page.get_by_text("until 72 hours before it starts").wait_for()
    visit.check("admin-shelter-settings-saved")

    page = her.goto(portal_url(organisation, "shifts:portal_mine"))
    page.get_by_text("Less than 72 hours to go").wait_for()
    assert page.get_by_role("button", name="Release").count() == 0
    her.check("volunteer-release-deadline-72")
