"""Her absence, wired through the rota (issue 17): while she is away she is not offered shifts (and those days do not
use up the open-shifts page), taking one anyway asks her to confirm; a shift she still holds from before she
marked herself away is at risk: no reminder for her, one discreet notice to the coordinators, a badge on the
coordinator's calendars and shift page; the month says how many are away each day, never who."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import translation

from members.models import Role
from notices.models import Notice, NoticeStatus
from notices.outbox import notice_send
from notices.tasks import dispatch_due_notices
from shifts import rules
from shifts.models import Assignment, AssignmentStatus, SwapOffer
from shifts.notices import ShiftAtRisk, ShiftReminder
from shifts.portal import OpenQuery, open_page
from shifts.rules import Code
from shifts.services import SignupRefused, assignment_release, shift_sign_up, swap_take, waiting_list_join
from tests.conftest import log_in
from tests.factories import NOW, AbsenceFactory, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CARD = '<li class="shift-card'
AWAY = "Du har markerat att du är borta då."
# NOW is Tuesday 3 March 2026, 13:00 in Stockholm: week 10 runs 2–8 March, week 11 9–15 March.


def at(day: int, hour: int = 20, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=STOCKHOLM)


def url(name, organisation, query="", **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs}) + query


def week_part(html: str) -> str:
    return html.split('id="open-shifts"', 1)[1]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Telefonjouren", min_volunteers=1, max_volunteers=2)


def away(member, first: date, last: date, *, marked: datetime = NOW):
    return AbsenceFactory(member=member, starts_on=first, ends_on=last, created_at=marked)


# -- 1. she is not offered shifts while away --------------------------------------------------------------------


@pytest.fixture
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.usefixtures("_now")
def test_a_shift_on_a_day_she_is_away_is_not_offered_and_the_toggle_says_why(
    volunteer_client, organisation, line, volunteer
):
    ShiftFactory(line=line, starts_at=at(5))  # Thursday: away
    ShiftFactory(line=line, starts_at=at(7))  # Saturday: back
    away(volunteer, date(2026, 3, 4), date(2026, 3, 6))

    html = week_part(volunteer_client.get(url("portal_open", organisation)).content.decode())
    assert html.count(CARD) == 1 and "lördag 7 mars" in html
    assert "torsdag 5 mars" not in html and AWAY not in html

    html = week_part(volunteer_client.get(url("portal_open", organisation, "?week=2026-03-02&all=1")).content.decode())
    assert html.count(CARD) == 2
    thursday = html.split("torsdag 5 mars", 1)[1].split("lördag 7 mars", 1)[0]
    assert AWAY in thursday and "Ta passet ändå" in thursday
    assert '<input type="hidden" name="confirm" value="away">' in thursday
    # Nobody else hears of it: her colleague is offered the shift as usual.
    colleague = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    other = week_part(log_in(volunteer_client, colleague).get(url("portal_open", organisation)).content.decode())
    assert other.count(CARD) == 2 and AWAY not in other and "borta" not in other


@pytest.mark.usefixtures("_now")
def test_days_she_is_away_do_not_use_up_the_page(organisation, line, volunteer):
    for hour in (8, 10, 12, 14):
        ShiftFactory(line=line, starts_at=at(4, hour), hours=2)  # Wednesday: away
    ShiftFactory(line=line, starts_at=at(6))  # Friday: back
    away(volunteer, date(2026, 3, 4), date(2026, 3, 4))
    page = open_page(volunteer, NOW, OpenQuery(week=date(2026, 3, 2)), cap=2)
    assert [card.shift.starts_at for day in page.days for card in day.cards] == [at(6)]
    assert page.more is None


@pytest.mark.usefixtures("_now")
def test_away_for_weeks_her_first_look_and_an_empty_week_point_past_her_absence(
    volunteer_client, organisation, line, volunteer
):
    ShiftFactory(line=line, starts_at=at(4))  # away
    ShiftFactory(line=line, starts_at=at(18))  # away
    ShiftFactory(line=line, starts_at=at(25))  # back: Wednesday of week 13
    away(volunteer, date(2026, 3, 3), date(2026, 3, 22))

    html = week_part(volunteer_client.get(url("portal_open", organisation)).content.decode())
    assert "Vecka 13" in html and html.count(CARD) == 1 and "onsdag 25 mars" in html

    html = week_part(volunteer_client.get(url("portal_open", organisation, "?week=2026-03-16")).content.decode())
    assert html.count(CARD) == 0
    assert "Nästa pass: onsdag 25 mars" in html


# -- 2. taking a shift in her away period asks her to confirm ---------------------------------------------------


@pytest.mark.usefixtures("_now")
def test_taking_a_shift_while_away_asks_her_and_with_htmx_the_card_asks_in_place(
    volunteer_client, organisation, line, volunteer
):
    shift = ShiftFactory(line=line, starts_at=at(5))
    away(volunteer, date(2026, 3, 5), date(2026, 3, 5))
    take = url("portal_take", organisation, "?week=2026-03-02&all=1", pk=shift.pk)

    card = volunteer_client.post(take, HTTP_HX_REQUEST="true").content.decode()
    assert not Assignment.objects.filter(member=volunteer).exists()
    assert card.startswith(CARD) and AWAY in card and "Ta passet ändå" in card
    assert 'name="confirm" value="away"' in card and "Inte möjligt" not in card

    card = volunteer_client.post(take, {"confirm": "away"}, HTTP_HX_REQUEST="true").content.decode()
    assert Assignment.objects.get(member=volunteer, shift=shift).status == AssignmentStatus.CONFIRMED
    assert "Passet är ditt." in card and "Ta passet ändå" not in card


@pytest.mark.usefixtures("_now")
def test_without_javascript_she_is_told_and_sent_to_the_card_that_asks(volunteer_client, organisation, line, volunteer):
    shift = ShiftFactory(line=line, starts_at=at(5))
    away(volunteer, date(2026, 3, 5), date(2026, 3, 5))
    response = volunteer_client.post(url("portal_take", organisation, "?week=2026-03-02", pk=shift.pk))
    assert response.status_code == 302 and "all=1" in response["Location"] and "week=2026-03-02" in response["Location"]
    assert messages_of(response) == [f"{AWAY} Om du kan komma ändå, välj ”Ta passet ändå”."]
    assert not Assignment.objects.filter(member=volunteer).exists()

    html = week_part(volunteer_client.get(response["Location"]).content.decode())
    form = html.split("Ta passet ändå", 1)[0].rsplit("<form", 1)[1]
    action = form.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    response = volunteer_client.post(action, {"confirm": "away"})
    assert response.status_code == 302
    assert messages_of(response)[0].startswith("Passet är ditt.")
    assert Assignment.objects.filter(member=volunteer, shift=shift).exists()


@pytest.mark.usefixtures("_now")
def test_a_full_shift_while_away_has_no_take_anyway_button(volunteer_client, organisation, line, volunteer):
    full = ShiftFactory(line=line, starts_at=at(5))
    AssignmentFactory.create_batch(2, shift=full)
    away(volunteer, date(2026, 3, 5), date(2026, 3, 5))
    html = week_part(volunteer_client.get(url("portal_open", organisation, "?week=2026-03-02&all=1")).content.decode())
    assert html.count(CARD) == 1 and AWAY in html
    assert "Ta passet ändå" not in html and "Ställ mig i kö" not in html
    # Confirming lets the later stages speak (docs/rules.md): the shift is still full.
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=full, member=volunteer, accepted=rules.CONFIRMABLE)
    assert refused.value.full
    with pytest.raises(SignupRefused) as refused:
        waiting_list_join(shift=full, member=volunteer)
    assert rules.codes(refused.value.refusals) == [Code.AWAY]
    assert waiting_list_join(shift=full, member=volunteer, accepted=rules.CONFIRMABLE).member == volunteer


@pytest.mark.usefixtures("_now")
def test_taking_over_a_colleagues_offer_while_away_asks_her_too(volunteer_client, organisation, line, volunteer):
    colleague = MemberFactory(organisation=organisation)
    offer = SwapOffer.objects.create(
        assignment=AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(5)), member=colleague), created_at=NOW
    )
    away(volunteer, date(2026, 3, 5), date(2026, 3, 5))
    assert "Ta över" not in volunteer_client.get(url("portal_open", organisation)).content.decode()
    html = volunteer_client.get(url("portal_open", organisation, "?week=2026-03-02&all=1")).content.decode()
    offers = html.split('id="open-shifts"', 1)[0]
    assert AWAY in offers and "Ta över ändå" in offers

    take = url("portal_offer_take", organisation, pk=offer.pk)
    card = volunteer_client.post(take, HTTP_HX_REQUEST="true").content.decode()
    assert "Ta över ändå" in card and 'name="confirm" value="away"' in card
    card = volunteer_client.post(take, {"confirm": "away"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Du har tagit över passet." in card
    assert Assignment.objects.get(shift=offer.assignment.shift, status=AssignmentStatus.CONFIRMED).member == volunteer
    with pytest.raises(SignupRefused):  # the services pass the confirmation to the rules, never drop the refusal
        swap_take(offer=offer, member=volunteer)


# -- 3. a shift she still holds while away: the coordinators are told, not her ------------------------------------

START = datetime(2027, 5, 6, 18, 0, tzinfo=UTC)  # Thursday 6 May 2027, 20:00–23:00 in Stockholm


def tick(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return dispatch_due_notices()


@pytest.fixture
def held(organisation, line, volunteer):
    """She took the Thursday shift in April, then marked that week away."""
    shift = ShiftFactory(line=line, starts_at=START, min_volunteers=1)
    assignment = AssignmentFactory(shift=shift, member=volunteer, created_at=START - timedelta(days=30))
    away(volunteer, date(2027, 5, 3), date(2027, 5, 9), marked=START - timedelta(days=10))
    return assignment


def test_the_coordinators_are_told_once_discreetly_instead_of_her_reminder(
    organisation, held, volunteer, coordinator, admin_member
):
    english = MemberFactory(organisation=organisation, role=Role.COORDINATOR, language="en")
    other_shelter = MemberFactory(role=Role.COORDINATOR)
    for moment in (
        START - timedelta(days=7),
        START - timedelta(days=6),
        START - timedelta(hours=24),
        START - timedelta(hours=2),
    ):
        tick(moment)
        tick(moment + timedelta(minutes=1))
    assert not Notice.objects.filter(kind="shift_reminder").exists()
    notices = Notice.objects.filter(kind="shift_at_risk")
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted(
        [coordinator.pk, admin_member.pk, english.pk]
    )
    assert set(notices.values_list("status", flat=True)) == {NoticeStatus.SENT}
    assert not Notice.objects.filter(recipient__in=[volunteer, other_shelter], kind="shift_at_risk").exists()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {coordinator.email, admin_member.email, english.email}
    sv, en = by_address[coordinator.email], by_address[english.email]
    assert sv.subject == "Jourplan: ett pass kan bli obemannat, tors 20:00–23:00"
    assert en.subject == "Jourplan: a shift may go unstaffed, Thu 20:00–23:00"
    assert "Ett pass kan bli obemannat: tors 6 maj 20:00–23:00 (Telefonjouren)." in sv.body
    assert "borta" in sv.body  # coordinators may read that she is away; never who, never why
    for message in (sv, en):
        assert organisation.name not in message.subject + message.body
        assert volunteer.first_name not in message.subject + message.body
        assert "borta" not in message.subject and "away" not in message.subject
    notice = notices.get(recipient=coordinator)
    with translation.override("sv"):
        sms = ShiftAtRisk().render(notice).sms
    assert sms == "Jourplan: Ett pass kan bli obemannat: tors 20:00–23:00. Se schemat."


def test_a_shift_she_took_after_marking_herself_away_is_hers_with_its_reminder(
    organisation, line, volunteer, coordinator
):
    away(volunteer, date(2027, 5, 3), date(2027, 5, 9), marked=START - timedelta(days=10))
    shift = ShiftFactory(line=line, starts_at=START)
    AssignmentFactory(shift=shift, member=volunteer, created_at=START - timedelta(days=5))  # she confirmed
    tick(START - timedelta(hours=24))
    assert Notice.objects.get(kind="shift_reminder").status == NoticeStatus.SENT
    assert not Notice.objects.filter(kind="shift_at_risk").exists()


def test_a_planned_reminder_is_dropped_when_she_marks_herself_away_before_it_goes(organisation, line, volunteer):
    shift = ShiftFactory(line=line, starts_at=START)
    AssignmentFactory(shift=shift, member=volunteer, created_at=START - timedelta(days=30))
    planned_at = START - timedelta(hours=24)
    with time_machine.travel(planned_at, tick=False):
        assert ShiftReminder().plan(planned_at) == 1
    away(volunteer, date(2027, 5, 6), date(2027, 5, 6), marked=planned_at)
    with time_machine.travel(planned_at + timedelta(seconds=1), tick=False):
        notice_send(notice_id=Notice.objects.get(kind="shift_reminder").pk)
    reminder = Notice.objects.get(kind="shift_reminder")
    assert reminder.status == NoticeStatus.DROPPED and "away" in reminder.last_error
    assert not mail.outbox


def test_the_warning_is_dropped_when_she_releases_the_shift_first(organisation, held, coordinator):
    moment = START - timedelta(days=3)
    with time_machine.travel(moment, tick=False):
        assert ShiftAtRisk().plan(moment) == 1
        assert ShiftAtRisk().plan(moment) == 0  # exactly once
        assignment_release(assignment=held, by=held.member, now=moment)
    tick(moment + timedelta(minutes=1))
    warning = Notice.objects.get(kind="shift_at_risk")
    assert warning.status == NoticeStatus.DROPPED and "away" in warning.last_error
    assert not [m for m in mail.outbox if "obemannat" in m.subject]


def test_a_shadow_seat_or_a_shift_outside_her_absence_is_not_at_risk(organisation, line, volunteer, coordinator):
    long_ago = START - timedelta(days=30)
    seat = ShiftFactory(line=line, starts_at=START + timedelta(days=1))  # Friday 7 May
    AssignmentFactory(shift=seat, member=volunteer, status=AssignmentStatus.SHADOW, created_at=long_ago)
    # Thursday 21:00 to midnight: it does not touch Friday, her first day away.
    midnight = ShiftFactory(line=line, local_start=datetime(2027, 5, 6, 21), hours=3)
    AssignmentFactory(shift=midnight, member=volunteer, created_at=long_ago)
    away(volunteer, date(2027, 5, 7), date(2027, 5, 9), marked=START - timedelta(days=10))
    with time_machine.travel(START - timedelta(days=3), tick=False):
        assert ShiftAtRisk().plan(START - timedelta(days=3)) == 0
        away(volunteer, date(2027, 5, 6), date(2027, 5, 6), marked=START - timedelta(days=4))
        assert ShiftAtRisk().plan(START - timedelta(days=3)) == 1  # now Thursday too: the midnight shift


# -- the coordinator's rota: at risk, and how many are away ------------------------------------------------------


def test_the_coordinator_sees_the_shift_at_risk_on_every_view_and_who_is_away_on_its_page(
    client, organisation, held, volunteer, coordinator
):
    other = MemberFactory(organisation=organisation, first_name="Karin")
    shift = held.shift
    AssignmentFactory(shift=shift, member=other, created_at=START - timedelta(days=30))
    quiet = ShiftFactory(line=shift.line, starts_at=START + timedelta(days=1))
    AssignmentFactory(shift=quiet, member=other)
    risk = "Risk: någon är borta"
    with time_machine.travel(START - timedelta(days=3), tick=False):
        coordinator_client = log_in(client, coordinator)  # a session of her own time
        month = coordinator_client.get(url("rota_month", organisation, "?month=2027-05")).content.decode()
        week = coordinator_client.get(url("rota_week", organisation, "?week=2027-05-06")).content.decode()
        day = coordinator_client.get(url("rota_day", organisation, "?date=2027-05-06")).content.decode()
        page = coordinator_client.get(url("rota_shift", organisation, pk=shift.pk)).content.decode()
        quiet_page = coordinator_client.get(url("rota_shift", organisation, pk=quiet.pk)).content.decode()
    for html in (month, week, day, page):
        assert html.count(risk) == 1
    assert risk not in quiet_page
    assert volunteer.first_name not in month
    mine = page.split(volunteer.first_name, 1)[1].split("</li>", 1)[0]
    karin = page.split("Karin", 1)[1].split("</li>", 1)[0]
    assert ">Borta<" in mine and ">Borta<" not in karin


def test_the_month_says_how_many_are_away_each_day_never_who(client, organisation, line, coordinator):
    first = date(2027, 5, 1)
    names = ["Anna", "Britta", "Cilla"]
    for name in names:
        away(MemberFactory(organisation=organisation, first_name=name), date(2027, 5, 10), date(2027, 5, 12))
    away(MemberFactory(organisation=organisation, first_name="Doris"), date(2027, 5, 12), date(2027, 5, 20))
    away(MemberFactory(first_name="Erika"), date(2027, 5, 10), date(2027, 5, 31))  # another shelter's
    with time_machine.travel(datetime(2027, 4, 20, 10, tzinfo=UTC), tick=False):
        html = (
            log_in(client, coordinator).get(url("rota_month", organisation, f"?month={first:%Y-%m}")).content.decode()
        )

    def cell(day: date) -> str:
        start = html.index(f'<time datetime="{day:%Y-%m-%d}">')
        return html[start : html.find('<li class="calendar-day', start)]

    assert "3 borta" in cell(date(2027, 5, 10)) and "4 borta" in cell(date(2027, 5, 12))
    assert "1 borta" in cell(date(2027, 5, 20)) and "borta" not in cell(date(2027, 5, 21))
    for name in [*names, "Doris", "Erika"]:
        assert name not in html
