"""Fee reminders (issue 18): after the shelter's due date, members with no payment for the year are reminded
discreetly, once per interval, until a payment is recorded or imported; admins switch them on and set them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Organisation
from members.imports import import_confirm
from members.models import FeeRate, MembershipType, MemberStatus, Payment, Role
from members.notices import FeeReminder
from members.services import fee_reminders_set, payment_record
from notices.models import Channel, Notice, NoticeStatus, Topic
from notices.outbox import due_notice_ids, notice_send
from tests.conftest import log_in
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.test_import_members import csv_bytes

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAYMENT_TEXT = "Bankgiro 123-4567 & Swish 123 456 78. Skriv ditt namn."


def local(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def scan(at: datetime) -> int:
    """Beat's scan of this kind (notices.kinds.plan_due), at `at`."""
    with time_machine.travel(at, tick=False):
        return FeeReminder().plan(timezone.now())


def send_all(at: datetime) -> dict[int, str]:
    """Send every pending fee reminder as the worker would at `at`: recipient id → status it ended in."""
    with time_machine.travel(at, tick=False):
        due = Notice.objects.filter(pk__in=due_notice_ids(timezone.now()), kind="fee_reminder")
        return {notice.recipient_id: notice_send(notice_id=notice.pk) for notice in due.order_by("due_at", "pk")}


def reminders(member=None) -> list[str]:
    rows = Notice.objects.filter(kind="fee_reminder").order_by("pk")
    if member is not None:
        rows = rows.filter(recipient=member)
    return list(rows.values_list("variant", flat=True))


@pytest.fixture
def shelter(organisation):
    """Fee due 31 March, a reminder every 30 days, 300 kr for a full member in 2027."""
    Organisation.objects.filter(pk=organisation.pk).update(
        fee_reminders_enabled=True,
        fee_due_month=3,
        fee_due_day=31,
        fee_reminder_interval_days=30,
        fee_payment_text=PAYMENT_TEXT,
    )
    organisation.refresh_from_db()
    FeeRate.objects.create(organisation=organisation, year=2027, membership_type=MembershipType.FULL, amount=300)
    return organisation


@pytest.fixture
def anna(shelter):
    return MemberFactory(organisation=shelter, first_name="Anna", email="anna@example.se", user=None, language="sv")


def test_nothing_before_the_due_date_then_one_reminder_a_round_however_often_the_scan_runs(shelter, anna):
    assert scan(local(2027, 1, 1, 12)) == 0
    assert scan(local(2027, 3, 31, 23, 59)) == 0  # the due day itself: she may still pay today
    assert scan(local(2027, 4, 1, 0, 1)) == 1
    assert scan(local(2027, 4, 1, 0, 2)) == 0
    assert scan(local(2027, 4, 20, 15)) == 0
    notice = Notice.objects.get(kind="fee_reminder")
    assert (notice.recipient, notice.variant) == (anna, "2027:0")
    # Planned at midnight, it goes at nine in the morning (her shelter's time), not in the night.
    assert notice.due_at == local(2027, 4, 1, 9)
    assert scan(local(2027, 4, 30, 23, 59)) == 0  # still the first round (1 April + 30 days = 1 May)
    assert scan(local(2027, 5, 1, 0, 1)) == 1
    assert scan(local(2027, 5, 1, 0, 2)) == 0
    assert reminders(anna) == ["2027:0", "2027:1"]


def test_the_due_date_is_the_shelters_own_date_with_the_day_moved_into_a_short_month(shelter, anna):
    # 22:30 UTC on 31 March is already 1 April in Stockholm (summer time, UTC+2): due.
    assert scan(datetime(2027, 3, 31, 21, 30, tzinfo=UTC)) == 0
    assert scan(datetime(2027, 3, 31, 22, 30, tzinfo=UTC)) == 1
    Notice.objects.all().delete()
    # Due "31 April" (set in the Django admin, past the form's check) means 30 April.
    Organisation.objects.filter(pk=shelter.pk).update(fee_due_month=4, fee_due_day=31)
    assert scan(local(2027, 4, 30, 23)) == 0
    assert scan(local(2027, 5, 1, 8)) == 1
    Notice.objects.all().delete()
    # The 29th of February is the 28th in a year that has no 29th.
    Organisation.objects.filter(pk=shelter.pk).update(fee_due_month=2, fee_due_day=29)
    assert scan(local(2027, 2, 28, 23)) == 0
    assert scan(local(2027, 3, 1, 8)) == 1


def test_one_round_is_sent_once_and_the_next_round_replaces_a_reminder_left_over(shelter, anna):
    scan(local(2027, 4, 1, 0, 1))
    assert send_all(local(2027, 4, 1, 8, 59)) == {}  # not due before nine
    assert send_all(local(2027, 4, 1, 9)) == {anna.pk: "sent"}
    assert len(mail.outbox) == 1
    assert scan(local(2027, 4, 15)) == 0 and send_all(local(2027, 4, 15)) == {}
    # A reminder still waiting when the next round begins (a stopped worker) is dropped, not sent after it.
    scan(local(2027, 5, 1, 0, 1))
    Notice.objects.filter(variant="2027:1").update(due_at=local(2027, 5, 1))
    scan(local(2027, 5, 31, 0, 1))
    statuses = send_all(local(2027, 5, 31, 10))
    assert sorted(Notice.objects.values_list("variant", "status")) == [
        ("2027:0", "sent"),
        ("2027:1", "dropped"),
        ("2027:2", "sent"),
    ]
    assert statuses == {anna.pk: "sent"} and len(mail.outbox) == 2


def test_never_two_reminders_within_an_interval_when_the_interval_is_made_longer(shelter, anna):
    Organisation.objects.filter(pk=shelter.pk).update(fee_reminder_interval_days=7)
    scan(local(2027, 4, 29, 12))  # round 4 of 7 days (from 29 April)
    send_all(local(2027, 4, 29, 12))
    Organisation.objects.filter(pk=shelter.pk).update(fee_reminder_interval_days=30)
    # 1 May starts round 1 of 30 days, but her last reminder went two days ago: she waits a full interval.
    assert scan(local(2027, 5, 1, 12)) == 0
    assert scan(local(2027, 5, 28, 12)) == 0
    assert scan(local(2027, 5, 29, 12)) == 1
    assert reminders(anna) == ["2027:4", "2027:1"]


def test_a_payment_recorded_by_hand_stops_the_reminders(shelter, anna, coordinator):
    scan(local(2027, 4, 1, 0, 1))
    with time_machine.travel(local(2027, 4, 1, 8), tick=False):
        payment_record(member=anna, year=2027, amount=Decimal("300"), paid_on=date(2027, 3, 30), by=coordinator)
    statuses = send_all(local(2027, 4, 1, 9))
    assert statuses[anna.pk] == "dropped" and anna.email not in {m.to[0] for m in mail.outbox}
    assert Notice.objects.get(recipient=anna).last_error == "A payment for the year has been recorded."
    assert reminders(anna) == ["2027:0"] and scan(local(2027, 5, 1, 0, 1)) == 1  # the coordinator's


def test_an_imported_payment_stops_the_reminders(shelter, anna, coordinator):
    scan(local(2027, 4, 1, 0, 1))
    content = csv_bytes(
        [
            ["E-post", "År", "Belopp", "Betald", "Sätt", "Referens"],
            ["anna@example.se", "2027", "300", "2027-03-28", "bankgiro", "Anna"],
        ]
    )
    with time_machine.travel(local(2027, 4, 1, 8), tick=False):  # the page's confirm step calls this service
        import_confirm(kind="payments", organisation=shelter, content=content, by=coordinator)
    # (The coordinator who imported it has not paid hers: she is reminded, Anna is not.)
    assert send_all(local(2027, 4, 1, 9)) == {anna.pk: "dropped", coordinator.pk: "sent"}
    assert [m.to for m in mail.outbox] == [[coordinator.user.email]]
    assert reminders(anna) == ["2027:0"] and scan(local(2027, 5, 1, 0, 1)) == 1


def test_a_payment_for_another_year_does_not_count(shelter, anna):
    Payment.objects.create(organisation=shelter, member=anna, year=2026, amount=300, paid_on=date(2026, 3, 1))
    assert scan(local(2027, 4, 1, 0, 1)) == 1


def test_only_members_who_owe_this_years_fee_are_reminded(shelter, anna, other_organisation):
    paused = MemberFactory(organisation=shelter, status=MemberStatus.PAUSED, user=None)
    coordinator = MemberFactory(organisation=shelter, role=Role.COORDINATOR)
    left = MemberFactory(organisation=shelter, status=MemberStatus.LEFT, user=None)
    MemberFactory(organisation=shelter, status=MemberStatus.PROSPECTIVE, user=None)
    MemberFactory(organisation=shelter, erased_at=local(2027, 1, 5), user=None)
    paid = MemberFactory(organisation=shelter, user=None)
    Payment.objects.create(organisation=shelter, member=paid, year=2027, amount=300, paid_on=date(2027, 2, 1))
    # Supporting members pay nothing in 2027 at this shelter (a rate of 0 kr).
    FeeRate.objects.create(organisation=shelter, year=2027, membership_type=MembershipType.SUPPORTING, amount=0)
    MemberFactory(organisation=shelter, membership_type=MembershipType.SUPPORTING, user=None)
    # Another shelter with reminders off, and one with reminders on but its fee due later.
    MemberFactory(organisation=other_organisation, user=None)
    later = OrganisationFactory(fee_reminders_enabled=True, fee_due_month=6, fee_due_day=30, fee_payment_text="x")
    MemberFactory(organisation=later, user=None)

    assert scan(local(2027, 4, 1, 0, 1)) == 3
    reminded = set(Notice.objects.values_list("recipient", flat=True))
    assert reminded == {anna.pk, paused.pk, coordinator.pk}
    # She leaves before it goes: not sent.
    anna.status = MemberStatus.LEFT
    anna.save()
    statuses = send_all(local(2027, 4, 1, 9))
    assert statuses[anna.pk] == "dropped" and statuses[paused.pk] == "sent"
    assert left.pk not in statuses


def test_a_membership_with_no_rate_set_is_reminded_without_an_amount(shelter):
    supporting = MemberFactory(
        organisation=shelter, membership_type=MembershipType.SUPPORTING, user=None, language="en"
    )
    scan(local(2027, 4, 1, 0, 1))
    send_all(local(2027, 4, 1, 9))
    (message,) = mail.outbox
    assert message.to == [supporting.email]
    assert "membership fee for 2027 recorded" in message.body and " kr" not in message.body


def test_switching_reminders_off_drops_those_waiting_and_plans_no_more(shelter, anna):
    scan(local(2027, 4, 1, 0, 1))
    with time_machine.travel(local(2027, 4, 1, 8), tick=False):
        fee_reminders_set(
            organisation=shelter, enabled=False, due_month=3, due_day=31, interval_days=30, payment_text=PAYMENT_TEXT
        )
    notice = Notice.objects.get(recipient=anna)
    assert (notice.status, notice.last_error) == (NoticeStatus.DROPPED, "Fee reminders were switched off.")
    assert scan(local(2027, 5, 1, 0, 1)) == 0 and send_all(local(2027, 5, 1, 9)) == {}
    # Switched off between the scan and the send (the Django admin, say): dropped at send time.
    Organisation.objects.filter(pk=shelter.pk).update(fee_reminders_enabled=True)
    scan(local(2027, 5, 1, 0, 2))
    Organisation.objects.filter(pk=shelter.pk).update(fee_reminders_enabled=False)
    assert send_all(local(2027, 5, 1, 9)) == {anna.pk: "dropped"}
    assert not mail.outbox


def test_last_years_reminder_is_not_sent_in_the_new_year(shelter, anna):
    scan(local(2027, 12, 31, 12))
    assert send_all(local(2028, 1, 1, 9)) == {anna.pk: "dropped"}
    assert scan(local(2028, 1, 2, 9)) == 0


def test_the_reminder_is_discreet_and_says_how_to_pay(shelter, anna):
    english = MemberFactory(organisation=shelter, first_name="Emma", user=None, language="en")
    # She chose SMS, and the shelter allows SMS: the reminder still goes by e-mail (a notice about her membership,
    # Topic.ACCOUNT), with the payment text an SMS must not carry.
    Organisation.objects.filter(pk=shelter.pk).update(sms_topics=[choice.value for choice in Topic])
    by_sms = MemberFactory(
        organisation=shelter, first_name="Sara", user=None, language="sv", notice_channel=Channel.SMS,
        phone="+46701234567",
    )  # fmt: skip
    scan(local(2027, 4, 1, 0, 1))
    assert set(send_all(local(2027, 4, 1, 9)).values()) == {"sent"}
    assert set(Notice.objects.values_list("channel", flat=True)) == {Channel.EMAIL}
    by_address = {message.to[0]: message for message in mail.outbox}
    sv, en = by_address[anna.email], by_address[english.email]
    assert by_sms.email in by_address
    assert sv.subject == "Jourplan: medlemsavgiften för 2027"
    assert sv.body.startswith("Hej Anna,")
    assert "medlemsavgift för 2027 (300 kr)" in sv.body and "31 mars" in sv.body
    assert PAYMENT_TEXT in sv.body  # as written, not HTML-escaped
    assert en.subject == "Jourplan: the membership fee for 2027"
    assert "(300 kr)" in en.body and "31 March" in en.body and PAYMENT_TEXT in en.body
    # Its SMS text, should the topic ever allow SMS: the year and amount only.
    notice = Notice.objects.get(recipient=by_sms)
    with translation.override("sv"), time_machine.travel(local(2027, 4, 1, 9), tick=False):
        sms = FeeReminder().render(notice).sms
    assert sms == (
        "Jourplan: vi har ingen registrerad betalning av din medlemsavgift för 2027 (300 kr). "
        "Har du redan betalat behöver du inte göra något."
    )
    for text in (sv.subject, en.subject, sms):
        assert shelter.name not in text
        assert "jour " not in text.lower().replace("jourplan", "")
        assert "Anna" not in text and "Sara" not in text


def test_the_scan_reads_a_fixed_number_of_queries_whatever_the_number_of_members(organisation, other_organisation):
    """Shelters that share a round (the same due date and interval) are read together."""
    third = OrganisationFactory(fee_reminder_interval_days=14)
    shelters = (organisation, other_organisation, third)
    Organisation.objects.filter(pk__in=[s.pk for s in shelters]).update(
        fee_reminders_enabled=True, fee_payment_text="x"
    )
    for shelter in shelters:
        MemberFactory.create_batch(2, organisation=shelter, user=None)

    def queries(at):
        with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
            planned = FeeReminder().plan(timezone.now())
        return planned, len(captured)

    small, again_small = queries(local(2027, 5, 1, 1)), queries(local(2027, 5, 1, 2))
    for shelter in shelters:
        MemberFactory.create_batch(15, organisation=shelter, user=None)
    large, again_large = queries(local(2027, 6, 1, 1)), queries(local(2027, 6, 1, 2))
    assert small[0] == 6 and large[0] == 51
    # The shelters, then for each of the two rounds: who owes a reminder, the existing keys, the insert.
    assert small[1] == large[1] == 1 + 2 * 3
    # A tick with nothing new: the shelters, then one query per round.
    assert again_small == again_large == (0, 3)


# --- The admins' settings ------------------------------------------------------------------------------


def settings_url(organisation):
    return reverse("members:fee_reminders", kwargs={"organisation": organisation.slug})


def fees_page_url(organisation):
    return reverse("members:fee_rates", kwargs={"organisation": organisation.slug})


def form_data(**changes):
    data = {"enabled": "on", "due_month": "4", "due_day": "30", "interval_days": "14", "payment_text": PAYMENT_TEXT}
    data.update(changes)
    return {f"reminders-{name}": value for name, value in data.items() if value is not None}


def test_an_admin_switches_reminders_on_and_the_change_is_audited(admin_client_member, admin_member, organisation):
    page = admin_client_member.get(fees_page_url(organisation)).content.decode()
    assert "Påminnelser om medlemsavgiften" in page and "Av: inga påminnelser om medlemsavgiften skickas." in page
    response = admin_client_member.post(settings_url(organisation), form_data())
    assert response.status_code == 302 and response["Location"] == fees_page_url(organisation)
    organisation.refresh_from_db()
    assert organisation.fee_reminders_enabled
    assert (organisation.fee_due_month, organisation.fee_due_day, organisation.fee_reminder_interval_days) == (
        4,
        30,
        14,
    )
    assert organisation.fee_payment_text == PAYMENT_TEXT
    entry = LogEntry.objects.get_for_object(organisation).latest("timestamp")
    assert entry.actor == admin_member.user and "fee_due_day" in entry.changes_dict
    page = admin_client_member.get(fees_page_url(organisation)).content.decode()
    assert "från 1 maj, sedan med 14 dagars mellanrum" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"due_month": "2", "due_day": "31"}, "due_day", "Februari har bara 29 dagar."),
        ({"due_month": "4", "due_day": "31"}, "due_day", "April har bara 30 dagar."),
        ({"due_month": "13"}, "due_month", "Välj ett giltigt alternativ."),
        ({"due_day": "0"}, "due_day", "större än eller lika med 1"),
        ({"interval_days": "6"}, "interval_days", "större än eller lika med 7"),
        ({"interval_days": "366"}, "interval_days", "mindre än eller lika med 365"),
        ({"interval_days": "²"}, "interval_days", "Fyll i ett heltal."),
        ({"payment_text": "x" * 1001}, "payment_text", "som mest 1000 tecken"),
        ({"payment_text": "  "}, "payment_text", "Skriv hur avgiften betalas innan du slår på påminnelserna."),
    ],
)
def test_bad_settings_are_refused_in_swedish_and_nothing_changes(
    admin_client_member, organisation, changes, field, message
):
    response = admin_client_member.post(settings_url(organisation), form_data(**changes))
    assert response.status_code == 200
    errors = response.context["reminder_form"].errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    organisation.refresh_from_db()
    assert not organisation.fee_reminders_enabled and organisation.fee_due_month == 3


def test_switching_off_needs_no_payment_text(admin_client_member, organisation):
    response = admin_client_member.post(settings_url(organisation), form_data(enabled=None, payment_text=""))
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR])
def test_only_admins_change_the_fee_reminders(client, organisation, role):
    log_in(client, MemberFactory(organisation=organisation, role=role))
    assert client.post(settings_url(organisation), form_data()).status_code == 403
    organisation.refresh_from_db()
    assert not organisation.fee_reminders_enabled


def test_another_shelters_admin_gets_404(client, organisation, other_organisation):
    log_in(client, MemberFactory(organisation=other_organisation, role=Role.ADMIN))
    assert client.post(settings_url(organisation), form_data()).status_code == 404
    assert client.get(fees_page_url(organisation)).status_code == 404
    organisation.refresh_from_db()
    assert not organisation.fee_reminders_enabled


def test_a_get_changes_nothing(admin_client_member, organisation):
    assert admin_client_member.get(settings_url(organisation) + "?reminders-enabled=on").status_code == 405
    organisation.refresh_from_db()
    assert not organisation.fee_reminders_enabled


def test_the_service_refuses_what_the_form_would(organisation):
    from members.services import FeeRemindersRefused

    with translation.override("sv"), pytest.raises(FeeRemindersRefused, match="Februari har bara 29 dagar"):
        fee_reminders_set(
            organisation=organisation, enabled=True, due_month=2, due_day=30, interval_days=30, payment_text="x"
        )
    with pytest.raises(FeeRemindersRefused):
        fee_reminders_set(
            organisation=organisation, enabled=True, due_month=3, due_day=31, interval_days=400, payment_text="x"
        )
    organisation.refresh_from_db()
    assert not organisation.fee_reminders_enabled and organisation.fee_reminder_interval_days == 30
