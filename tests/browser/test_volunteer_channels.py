"""Her notifications on her phone (issue 18, point 3): from her profile she opens "Notifications", ticks SMS for
reminders and sets quiet hours; the shelter's admin sets which topics may go by SMS on the SMS page. In English
(her language cookie), so the journey reads the same before and after the Swedish catalogue is updated."""

import re
from urllib.parse import urlsplit

from django.conf import settings

from members.models import Role
from notices.models import ChannelChoice, Topic
from tests.factories import MemberFactory

from .conftest import assert_tap_target
from .volunteer_steps import portal_url


def in_english(visit):
    host = urlsplit(visit.base_url).hostname
    visit.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"}])
    return visit


def test_she_chooses_sms_for_reminders_and_quiet_hours_on_her_phone(phone, organisation, volunteer):
    organisation.sms_topics = [Topic.REMINDERS, Topic.CALLOUTS]
    organisation.save(update_fields=["sms_topics"])
    volunteer.phone = "+46701234567"
    volunteer.save(update_fields=["phone"])
    visit = in_english(phone(volunteer))

    page = visit.goto(portal_url(organisation, "members:profile"))
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url(re.compile(re.escape(portal_url(organisation, "members:channels")) + "$"))
    visit.check("volunteer-channels")

    reminders = page.get_by_role("group", name="Reminders")
    sms = reminders.get_by_label("SMS")
    assert_tap_target(reminders.locator("label", has_text="SMS"))  # the whole row is what she taps
    sms.check()
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your choices have been saved.").wait_for()
    visit.check("volunteer-channels-saved")

    chosen = ChannelChoice.objects.filter(member=volunteer, topic=Topic.REMINDERS).values_list("channel", flat=True)
    assert set(chosen) == {"email", "sms"}


def test_the_admin_chooses_which_topics_may_go_by_sms(desktop, organisation):
    admin = MemberFactory(organisation=organisation, role=Role.ADMIN)
    visit = in_english(desktop(admin))
    page = visit.goto(portal_url(organisation, "members:sms_settings"))
    visit.check("admin-sms-settings")
    page.get_by_label("Changes to volunteers' shifts").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The SMS settings have been saved.").wait_for()
    organisation.refresh_from_db()
    assert organisation.sms_topics == ["changes"]
