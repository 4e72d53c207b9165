"""Her "Notifications" page (per topic the channels she wants, and her quiet hours) and the admins' SMS page (which
topics may go by SMS, the sender name, this month's and last month's count): issue 18, point 3.

Texts are asserted in English (Accept-Language: en); the Swedish comes through the translation workflow."""

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Organisation
from members.models import Member, Role
from notices import push
from notices.models import Channel, ChannelChoice, Notice, NoticeStatus, Topic
from tests.conftest import log_in
from tests.factories import MemberFactory, OrganisationFactory, PushDeviceFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(name, organisation):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


@pytest.fixture(autouse=True)
def _push_on(settings):
    """The installation signs push notices with a key of its own (without one, push is off and never offered)."""
    settings.VAPID_PRIVATE_KEY = push.private_key_text(push.generate_private_key())
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:drift@jourplan.example"


@pytest.fixture
def shelter(organisation):
    organisation.sms_topics = [Topic.REMINDERS, Topic.CALLOUTS]
    organisation.save(update_fields=["sms_topics"])
    return organisation


@pytest.fixture
def her(shelter):
    return MemberFactory(organisation=shelter, phone="+46701234567", language="en")


def choices_of(member):
    return sorted(ChannelChoice.objects.filter(member=member).values_list("topic", "channel"))


def checkboxes(html, topic):
    """(value, checked) of each checkbox in one topic's group of her page."""
    pattern = rf'<input type="checkbox" name="{topic}" value="(\w+)"[^>]*>'
    return [(found.group(1), " checked" in found.group(0)) for found in re.finditer(pattern, html)]


def offered(html, topic):
    return [value for value, _checked in checkboxes(html, topic)]


# --- Her page -------------------------------------------------------------------------------------------------


def test_she_finds_the_page_under_her_profile(client, her, shelter):
    log_in(client, her)
    html = client.get(url("profile", shelter), **EN).content.decode()
    assert f'href="{url("channels", shelter)}"' in html


def test_sms_is_offered_only_for_topics_her_shelter_sends_by_sms(client, her, shelter):
    log_in(client, her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert offered(html, "reminders") == ["email", "sms"]
    assert offered(html, "callouts") == ["email", "sms"]
    assert offered(html, "changes") == ["email"]
    assert offered(html, "announcements") == ["email"]
    assert html.count("Your shelter does not send these by SMS.") == 2
    assert "My membership" in html and "Always by e-mail" in html


def test_without_a_phone_number_she_is_told_where_to_add_one(client, shelter):
    member = MemberFactory(organisation=shelter, phone="", language="en")
    log_in(client, member)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert offered(html, "reminders") == ["email"]
    assert html.count("Add your phone number under My profile to get these by SMS.") == 2


def test_push_is_offered_only_with_a_device(client, her, shelter):
    log_in(client, her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert "add this device on the Devices page" in html
    assert all("push" not in offered(html, topic) for topic in ("reminders", "callouts", "changes"))

    PushDeviceFactory(member=her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert "Devices page" not in html
    assert offered(html, "reminders") == ["email", "sms", "push"]


def test_a_device_in_another_shelter_does_not_offer_push_here(client, her, shelter, other_organisation):
    elsewhere = MemberFactory(organisation=other_organisation, user=her.user)
    PushDeviceFactory(member=elsewhere)
    log_in(client, her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert offered(html, "reminders") == ["email", "sms"]


def test_the_page_shows_what_reaches_her_now(client, her, shelter):
    ChannelChoice.objects.create(member=her, topic=Topic.REMINDERS, channel=Channel.SMS)
    log_in(client, her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert checkboxes(html, "reminders") == [("email", False), ("sms", True)]
    assert checkboxes(html, "changes") == [("email", True)]  # her default channel, e-mail


def test_saving_replaces_her_choices_and_quiet_hours(client, her, shelter):
    ChannelChoice.objects.create(member=her, topic=Topic.CHANGES, channel=Channel.EMAIL)
    log_in(client, her)
    response = client.post(
        url("channels", shelter),
        {
            "reminders": ["email", "sms"],
            "callouts": ["sms"],
            "changes": ["email"],
            "announcements": ["email"],
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:30",
        },
    )
    assert response.status_code == 302
    assert choices_of(her) == [
        ("announcements", "email"),
        ("callouts", "sms"),
        ("changes", "email"),
        ("reminders", "email"),
        ("reminders", "sms"),
    ]
    her.refresh_from_db()
    assert (her.quiet_hours_start, her.quiet_hours_end) == (time(22), time(7, 30))


GOOD = {"reminders": ["email"], "callouts": ["email"], "changes": ["email"], "announcements": ["email"]}


@pytest.mark.parametrize(
    ("post", "error"),
    [
        ({**GOOD, "callouts": []}, "Choose at least one way to get asks to take a shift."),
        ({**GOOD, "changes": ["sms"]}, "Select a valid choice."),  # her shelter does not send changes by SMS
        ({**GOOD, "reminders": ["push"]}, "Select a valid choice."),  # she has no device
        ({**GOOD, "reminders": ["fax"]}, "Select a valid choice."),
        ({**GOOD, "quiet_hours_start": "22:00"}, "Give both times for your quiet hours, or neither."),
        ({**GOOD, "quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "must start and end at different"),
        ({**GOOD, "quiet_hours_start": "25:99", "quiet_hours_end": "07:00"}, "Enter a valid time."),
        ({}, "Choose at least one way to get reminders."),
    ],
)
def test_a_bad_post_changes_nothing(client, her, shelter, post, error):
    ChannelChoice.objects.create(member=her, topic=Topic.REMINDERS, channel=Channel.SMS)
    log_in(client, her)
    response = client.post(url("channels", shelter), post, **EN)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert choices_of(her) == [("reminders", "sms")]
    her.refresh_from_db()
    assert her.quiet_hours_start is None


def test_account_choices_are_never_stored(client, her, shelter):
    log_in(client, her)
    client.post(url("channels", shelter), {**GOOD, "account": ["sms"]})
    assert ("account", "sms") not in choices_of(her) and len(choices_of(her)) == 4


def test_any_query_string_gives_her_the_page(client, her, shelter):
    log_in(client, her)
    assert client.get(url("channels", shelter) + "?reminders=sms&x=%ff&page=-1").status_code == 200


def test_her_choices_decide_the_rows_planned(client, her, shelter):
    """What she saves is what the outbox plans: reminders by e-mail and SMS become two rows."""
    from notices.outbox import notice_plan
    from tests.factories import AssignmentFactory, ShiftFactory

    log_in(client, her)
    client.post(url("channels", shelter), {**GOOD, "reminders": ["email", "sms"]})
    assignment = AssignmentFactory(shift=ShiftFactory(line__organisation=shelter), member=her)
    notice_plan(recipient=her, kind="shift_reminder", subject=assignment, variant="1440:x")
    assert sorted(Notice.objects.filter(recipient=her).values_list("channel", flat=True)) == ["email", "sms"]


# --- The admins' SMS page ---------------------------------------------------------------------------------------


@pytest.fixture
def admin(shelter):
    return MemberFactory(organisation=shelter, role=Role.ADMIN, language="en")


def sms_sent(organisation, at, channel=Channel.SMS):
    member = Member.objects.filter(organisation=organisation).first() or MemberFactory(organisation=organisation)
    return Notice.objects.create(
        organisation=organisation,
        recipient=member,
        kind="shift_reminder",
        channel=channel,
        status=NoticeStatus.SENT,
        sent_at=at,
        dedupe_key=f"count:{organisation.pk}:{channel}:{at.isoformat()}",
    )


def test_the_admin_sees_this_and_last_months_sms_in_the_shelters_time(client, admin, shelter, other_organisation):
    sms_sent(shelter, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    sms_sent(shelter, datetime(2026, 2, 28, 23, 30, tzinfo=UTC))  # 00:30 on 1 March in Stockholm
    sms_sent(shelter, datetime(2026, 2, 28, 22, 30, tzinfo=UTC))  # 23:30 on 28 February
    sms_sent(shelter, datetime(2026, 1, 31, 22, 59, tzinfo=UTC))  # 23:59 on 31 January: neither month
    sms_sent(shelter, datetime(2026, 3, 2, 9, 1, tzinfo=UTC), channel=Channel.EMAIL)
    sms_sent(other_organisation, datetime(2026, 3, 2, 9, 2, tzinfo=UTC))
    log_in(client, admin)
    with time_machine.travel(datetime(2026, 3, 15, 12, 0, tzinfo=UTC), tick=False):
        html = client.get(url("sms_settings", shelter), **EN).content.decode()
    assert "SMS sent in March 2026</dt><dd>2</dd>" in html.replace("\n", "")
    assert "SMS sent in February 2026</dt><dd>1</dd>" in html.replace("\n", "")


def test_admins_find_the_page_in_the_menu_and_coordinators_do_not(client, admin, shelter):
    log_in(client, admin)
    assert f'href="{url("sms_settings", shelter)}"' in client.get(url("portal", shelter)).content.decode()
    coordinator = MemberFactory(organisation=shelter, role=Role.COORDINATOR)
    log_in(client, coordinator)
    assert f'href="{url("sms_settings", shelter)}"' not in client.get(url("portal", shelter)).content.decode()


def test_the_admin_saves_the_topics_and_the_sender_and_it_is_audited(client, admin, shelter):
    log_in(client, admin)
    response = client.post(url("sms_settings", shelter), {"topics": ["changes", "callouts"], "sender": "Pass"})
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.sms_topics == ["callouts", "changes"]
    assert shelter.sms_sender == "Pass"
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_pk=str(shelter.pk)
    ).latest("timestamp")
    assert "sms_sender" in entry.changes_dict and entry.actor == admin.user


@pytest.mark.parametrize(
    ("post", "error"),
    [
        ({"topics": ["changes"], "sender": "Jour"}, "must not reveal who is writing"),
        ({"topics": ["changes"], "sender": "KvJour1"}, "must not reveal who is writing"),
        ({"topics": ["changes"], "sender": "Testgrupp"}, "must not reveal who is writing"),  # "Kvinnojouren Test"
        ({"topics": ["changes"], "sender": "J"}, "2–11 letters"),
        ({"topics": ["changes"], "sender": "Pass 18-21"}, "2–11 letters"),
        ({"topics": ["changes"], "sender": "Jourplanering"}, "at most 11 characters"),
        ({"topics": ["account"], "sender": "Jourplan"}, "Select a valid choice."),
        ({"topics": ["changes"], "sender": ""}, "This field is required."),
        ({}, "This field is required."),
    ],
)
def test_a_bad_sms_settings_post_changes_nothing(client, admin, shelter, post, error):
    log_in(client, admin)
    response = client.post(url("sms_settings", shelter), post, **EN)
    assert response.status_code == 200
    assert error in response.content.decode()
    shelter.refresh_from_db()
    assert (shelter.sms_topics, shelter.sms_sender) == (["reminders", "callouts"], "Jourplan")


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR])
def test_a_volunteer_or_coordinator_cannot_open_or_post_the_sms_page(client, shelter, role):
    log_in(client, MemberFactory(organisation=shelter, role=role))
    assert client.get(url("sms_settings", shelter)).status_code == 403
    assert client.post(url("sms_settings", shelter), {"topics": ["changes"], "sender": "Pass"}).status_code == 403
    shelter.refresh_from_db()
    assert shelter.sms_sender == "Jourplan"


def test_another_shelters_admin_gets_404_and_changes_nothing(client, shelter):
    stranger = MemberFactory(organisation=OrganisationFactory(), role=Role.ADMIN)
    log_in(client, stranger)
    assert client.get(url("sms_settings", shelter)).status_code == 404
    assert client.post(url("sms_settings", shelter), {"topics": ["changes"], "sender": "Pass"}).status_code == 404
    assert client.post(url("channels", shelter), GOOD).status_code == 404
    shelter.refresh_from_db()
    assert shelter.sms_sender == "Jourplan"


def test_without_a_push_key_push_is_neither_offered_nor_advertised(client, her, shelter, settings):
    settings.VAPID_PRIVATE_KEY = ""  # production without a key: push is off
    PushDeviceFactory(member=her)
    log_in(client, her)
    html = client.get(url("channels", shelter), **EN).content.decode()
    assert "Devices page" not in html
    assert all("push" not in offered(html, topic) for topic in ("reminders", "callouts", "changes"))
