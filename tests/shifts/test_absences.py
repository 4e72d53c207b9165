"""Absences (issue 17): she marks herself away from her phone and removes it; a coordinator marks a volunteer away
(never above her rank); nobody sees a reason (none is stored), other volunteers see nothing; while away she is not
offered swaps, not moved up from a waiting list, and a coordinator sees "She is away then" as a warning."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from shifts import rules
from shifts.availability import away_counts
from shifts.models import Absence, Assignment, AssignmentStatus, SwapOffer, WaitingListEntry, Wishes
from shifts.rules import Code
from shifts.services import SignupRefused, assignment_release, open_offers_for, shift_sign_up, waiting_list_join
from tests.conftest import log_in
from tests.factories import AbsenceFactory, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def days(n):
    return timezone.localdate() + timedelta(days=n)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Jourtelefon", max_volunteers=2)


def shift_on(line, day, hour=20, **kwargs):
    """A shift on `day` (a date) at `hour` local time."""
    from datetime import datetime

    return ShiftFactory(line=line, local_start=datetime(day.year, day.month, day.day, hour), **kwargs)


# -- her page ----------------------------------------------------------------------------------------------


def test_she_marks_herself_away_from_her_phone_and_removes_it(volunteer_client, organisation, volunteer):
    page = volunteer_client.get(url("availability", organisation)).content.decode()
    assert "Frånvaro och önskemål" in page and "Du har inte markerat någon frånvaro." in page
    response = volunteer_client.post(
        url("availability_absence_add", organisation), {"starts_on": days(10), "ends_on": days(20)}
    )
    assert response.status_code == 302 and messages_of(response) == ["Du är markerad som borta."]
    absence = Absence.objects.get(member=volunteer)
    assert (absence.starts_on, absence.ends_on, absence.created_by) == (days(10), days(20), volunteer)
    page = volunteer_client.get(url("availability", organisation)).content.decode()
    assert f"{days(20).day} " in page and "Ta bort" in page and "markerad av en samordnare" not in page
    response = volunteer_client.post(url("availability_absence_remove", organisation, pk=absence.pk))
    assert response.status_code == 302 and not Absence.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (12, 11, "Sista dagen kan inte vara före första dagen."),
        (1, 1 + 366, "En frånvaro kan vara högst 366 dagar lång. Markera en längre i flera delar."),
        (-5, -1, "Sista dagen har redan passerat."),
    ],
)
def test_bad_dates_get_a_swedish_message_and_change_nothing(volunteer_client, organisation, first, last, message):
    response = volunteer_client.post(
        url("availability_absence_add", organisation), {"starts_on": days(first), "ends_on": days(last)}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Absence.objects.exists()


def test_a_year_long_absence_is_accepted_and_a_date_that_does_not_exist_is_not(volunteer_client, organisation):
    assert (
        volunteer_client.post(
            url("availability_absence_add", organisation), {"starts_on": days(0), "ends_on": days(365)}
        ).status_code
        == 302
    )
    response = volunteer_client.post(
        url("availability_absence_add", organisation), {"starts_on": "2027-02-30", "ends_on": "x"}
    )
    assert response.status_code == 200 and "Fyll i ett giltigt datum." in response.content.decode()
    assert Absence.objects.count() == 1


def test_she_cannot_remove_anyone_elses_absence(volunteer_client, organisation, other_organisation, volunteer):
    colleague = AbsenceFactory(member=MemberFactory(organisation=organisation))
    foreign = AbsenceFactory(member=MemberFactory(organisation=other_organisation))
    for absence in (colleague, foreign):
        assert volunteer_client.post(url("availability_absence_remove", organisation, pk=absence.pk)).status_code == 404
    assert Absence.objects.count() == 2


def test_other_volunteers_never_see_her_absence(client, organisation, volunteer):
    AbsenceFactory(member=volunteer, starts_on=days(40), ends_on=days(41))
    colleague = MemberFactory(organisation=organisation)
    log_in(client, colleague)
    page = client.get(url("availability", organisation)).content.decode()
    assert "Du har inte markerat någon frånvaro." in page
    assert client.get(url("member_availability", organisation, pk=volunteer.pk)).status_code == 403


def test_her_page_lists_the_shifts_she_still_holds_while_away(volunteer_client, organisation, line, volunteer):
    held = shift_on(line, days(12))
    AssignmentFactory(shift=held, member=volunteer)
    AssignmentFactory(shift=shift_on(line, days(30)), member=volunteer)  # after she is back
    response = volunteer_client.post(
        url("availability_absence_add", organisation), {"starts_on": days(10), "ends_on": days(14)}
    )
    assert messages_of(response)[1] == (
        "Du har fortfarande 1 pass medan du är borta: släpp det eller erbjud det till en kollega."
    )
    page = volunteer_client.get(url("availability", organisation)).content.decode()
    assert "Du har fortfarande de här passen medan du är borta." in page and "Jourtelefon" in page


def test_wishes_are_saved_and_shown_to_her_coordinator(volunteer_client, organisation, line, volunteer):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    other_shelter_line = LineFactory(organisation=MemberFactory().organisation)
    response = volunteer_client.post(
        url("availability_wishes", organisation),
        {
            "weekdays": ["1", "3"],
            "times_of_day": ["evening"],
            "lines": [str(line.pk)],
            "max_per_week": "1",
            "max_per_month": "3",
        },
    )
    assert response.status_code == 302
    wishes = Wishes.objects.get(member=volunteer)
    assert (wishes.weekdays, wishes.times_of_day, list(wishes.lines.all()), wishes.max_per_month) == (
        [1, 3],
        ["evening"],
        [line],
        3,
    )
    response = volunteer_client.post(url("availability_wishes", organisation), {"lines": [str(other_shelter_line.pk)]})
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.content.decode()
    assert list(Wishes.objects.get(member=volunteer).lines.all()) == [line]
    page = log_in(Client(), coordinator).get(url("member_availability", organisation, pk=volunteer.pk)).content.decode()
    assert "tisdag, torsdag" in page.lower() and "Kväll (17–22)" in page and "Jourtelefon" in page


# -- a coordinator ---------------------------------------------------------------------------------------


def test_a_coordinator_marks_a_volunteer_away_and_sees_only_the_dates(
    coordinator_client, organisation, volunteer, coordinator
):
    response = coordinator_client.post(
        url("member_absence_add", organisation, pk=volunteer.pk), {"starts_on": days(3), "ends_on": days(4)}
    )
    assert response.status_code == 302 and messages_of(response) == ["Vera är markerad som borta."]
    absence = Absence.objects.get(member=volunteer)
    assert absence.created_by == coordinator
    page = coordinator_client.get(url("member_availability", organisation, pk=volunteer.pk)).content.decode()
    assert "Ta bort" in page and "Bara datumen sparas, aldrig något skäl." in page
    her_page = log_in(Client(), volunteer).get(url("availability", organisation)).content.decode()
    assert "(markerad av en samordnare)" in her_page
    assert coordinator_client.post(url("member_absence_remove", organisation, pk=absence.pk)).status_code == 302
    assert not Absence.objects.exists()


def test_a_coordinator_cannot_act_above_her_rank(coordinator_client, organisation, admin_member):
    other_coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    for target in (other_coordinator, admin_member):
        response = coordinator_client.post(
            url("member_absence_add", organisation, pk=target.pk), {"starts_on": days(3), "ends_on": days(4)}
        )
        assert response.status_code == 403
        page = coordinator_client.get(url("member_availability", organisation, pk=target.pk)).content.decode()
        assert "Bara en administratör kan markera frånvaro för en samordnare eller en administratör." in page
    absence = AbsenceFactory(member=admin_member)
    assert coordinator_client.post(url("member_absence_remove", organisation, pk=absence.pk)).status_code == 403
    assert list(Absence.objects.all()) == [absence]


def test_an_admin_marks_a_coordinator_away(admin_client_member, organisation, coordinator):
    response = admin_client_member.post(
        url("member_absence_add", organisation, pk=coordinator.pk), {"starts_on": days(3), "ends_on": days(4)}
    )
    assert response.status_code == 302 and Absence.objects.get().member == coordinator


def test_another_shelters_member_and_absence_are_not_found(coordinator_client, organisation, other_organisation):
    stranger = MemberFactory(organisation=other_organisation)
    absence = AbsenceFactory(member=stranger)
    assert coordinator_client.get(url("member_availability", organisation, pk=stranger.pk)).status_code == 404
    assert (
        coordinator_client.post(
            url("member_absence_add", organisation, pk=stranger.pk), {"starts_on": days(3), "ends_on": days(4)}
        ).status_code
        == 404
    )
    assert coordinator_client.post(url("member_absence_remove", organisation, pk=absence.pk)).status_code == 404
    assert list(Absence.objects.all()) == [absence]


def test_the_coordinator_sees_she_is_away_as_a_warning_on_the_shift_page(coordinator_client, organisation, line):
    away = MemberFactory(organisation=organisation, first_name="Borta")
    shift = shift_on(line, days(5))
    AbsenceFactory(member=away, starts_on=days(5), ends_on=days(5))
    page = coordinator_client.get(
        reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": shift.pk}) + f"?pick={away.pk}"
    ).content.decode()
    assert "Hon är borta då." in page and "Du har markerat" not in page


# -- the rules around her absence -------------------------------------------------------------------------


def test_away_she_is_asked_to_confirm_and_not_offered_swaps_nor_moved_up(organisation, line, volunteer):
    now = timezone.now()
    shift = shift_on(line, days(5), max_volunteers=1)
    AbsenceFactory(member=volunteer, starts_on=days(4), ends_on=days(6), created_at=now)
    colleague = MemberFactory(organisation=organisation)
    taken = AssignmentFactory(shift=shift, member=colleague)
    swap = SwapOffer.objects.create(
        assignment=AssignmentFactory(shift=shift_on(line, days(6)), member=colleague), created_at=now
    )
    assert swap not in open_offers_for(volunteer)
    with pytest.raises(SignupRefused) as refused:
        waiting_list_join(shift=shift, member=volunteer)
    assert rules.codes(refused.value.refusals) == [Code.AWAY] and rules.confirmable(refused.value.refusals)
    # She queued before she marked herself away: the freed place passes her by.
    WaitingListEntry.objects.create(shift=shift, member=volunteer, created_at=now)
    assert assignment_release(assignment=taken, by=colleague) == []
    assert not Assignment.objects.filter(member=volunteer, status=AssignmentStatus.CONFIRMED).exists()
    with pytest.raises(SignupRefused):
        shift_sign_up(shift=shift, member=volunteer)


def test_away_counts_say_how_many_are_away_each_day_never_who(organisation, other_organisation):
    members = MemberFactory.create_batch(2, organisation=organisation)
    AbsenceFactory(member=members[0], starts_on=days(1), ends_on=days(3))
    AbsenceFactory(member=members[0], starts_on=days(2), ends_on=days(2))  # twice the same day counts once
    AbsenceFactory(member=members[1], starts_on=days(3), ends_on=days(9))
    AbsenceFactory(member=MemberFactory(organisation=other_organisation), starts_on=days(1), ends_on=days(9))
    assert away_counts(organisation, days(2), days(4)) == {days(2): 1, days(3): 2, days(4): 1}
