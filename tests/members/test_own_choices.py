"""Her own choices (issue 19): pause (the absence page, linked from her profile), leave, ask for erasure."""

from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import translation

from core.errors import JourplanError
from members.gdpr import member_erase
from members.models import Member, MemberStatus, Role
from members.services import member_erasure_request, member_leave_self
from notices.models import Notice
from notices.outbox import notice_send
from shifts.models import AssignmentStatus
from shifts.services import waiting_list_join
from tests.conftest import log_in
from tests.factories import NOW, PASSWORD, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def _url(name, organisation):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


def _reauthenticated(client, member):
    log_in(client, member)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


# -- the pages ---------------------------------------------------------------------------------------------------


def test_her_profile_leads_to_her_choices_and_pause_goes_to_the_absence_page(client, volunteer, organisation):
    log_in(client, volunteer)
    profile = client.get(_url("profile", organisation)).content.decode()
    assert _url("my_choices", organisation) in profile
    page = client.get(_url("my_choices", organisation)).content.decode()
    # Pausing is an absence: the existing page, not a second feature.
    assert reverse("shifts:availability", kwargs={"organisation": organisation.slug}) + "#away-heading" in page
    assert _url("leave_self", organisation) in page and _url("erasure_request", organisation) in page


def test_an_open_session_is_not_enough_to_leave_she_gives_her_password_again(client, volunteer, organisation):
    log_in(client, volunteer)  # a phone left unlocked: signed in, but not recently with her password
    response = client.post(_url("leave_self", organisation), {"confirm": "on"})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    response = client.post(_url("erasure_request", organisation), {"confirm": "on"})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    volunteer.refresh_from_db()
    assert volunteer.status != MemberStatus.LEFT and volunteer.erasure_requested_at is None


def test_leaving_needs_the_confirmation_box(client, volunteer, organisation):
    _reauthenticated(client, volunteer)
    page = client.get(_url("leave_self", organisation))
    assert page.status_code == 200
    assert f"{organisation.anonymise_after_months} " in page.content.decode()  # how long her data is kept
    response = client.post(_url("leave_self", organisation), {})
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status != MemberStatus.LEFT


def test_she_leaves_her_shifts_are_released_and_the_shelter_is_closed_to_her(client, volunteer, organisation):
    line = LineFactory(organisation=organisation, max_volunteers=1)
    coming = ShiftFactory(line=line, starts_at=datetime.now(UTC) + timedelta(days=3))
    mine = AssignmentFactory(shift=coming, member=volunteer)
    waiting = MemberFactory(organisation=organisation)
    waiting_list_join(shift=coming, member=waiting)
    _reauthenticated(client, volunteer)

    response = client.post(_url("leave_self", organisation), {"confirm": "on"})

    assert response.status_code == 200 and 'name="confirm"' not in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == MemberStatus.LEFT and volunteer.left_on is not None
    assert volunteer.user is not None and volunteer.user.is_active  # her login is hers
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RELEASED
    assert coming.assignments.get(status=AssignmentStatus.CONFIRMED).member == waiting
    assert Notice.objects.filter(kind="waiting_list_promoted", recipient=waiting).exists()
    # The shelter's pages are closed to her (her session here ends, as when a coordinator marks her left).
    assert client.get(_url("profile", organisation)).status_code in (302, 404)
    # The audit trail records the status change.
    assert LogEntry.objects.get_for_object(volunteer).filter(changes__icontains="status").exists()


def test_the_only_admin_cannot_leave_but_one_of_two_can(client, admin_member, organisation):
    _reauthenticated(client, admin_member)
    response = client.post(_url("leave_self", organisation), {"confirm": "on"})
    assert response.status_code == 200 and 'class="errorlist nonfield"' in response.content.decode()
    admin_member.refresh_from_db()
    assert admin_member.status != MemberStatus.LEFT

    MemberFactory(organisation=organisation, role=Role.ADMIN)
    member_leave_self(member=admin_member)
    admin_member.refresh_from_db()
    assert admin_member.status == MemberStatus.LEFT


def test_leaving_twice_changes_nothing(volunteer):
    first = member_leave_self(member=volunteer, now=NOW)
    again = member_leave_self(member=volunteer, now=NOW + timedelta(days=5))
    assert again.left_on == first.left_on


def test_another_shelters_coordinator_gets_nothing(client, other_shelter_coordinator, organisation):
    _reauthenticated(client, other_shelter_coordinator)
    for name in ("my_choices", "leave_self", "erasure_request"):
        assert client.get(_url(name, organisation)).status_code == 404
        assert client.post(_url(name, organisation), {"confirm": "on"}).status_code == 404


# -- erasure -----------------------------------------------------------------------------------------------------


def test_asking_for_erasure_makes_her_leave_and_tells_the_admins_once(client, volunteer, admin_member, organisation):
    second_admin = MemberFactory(organisation=organisation, role=Role.ADMIN)
    MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    _reauthenticated(client, volunteer)

    response = client.post(_url("erasure_request", organisation), {"confirm": "on"})

    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.status == MemberStatus.LEFT and volunteer.erasure_requested_at is not None
    notices = Notice.objects.filter(kind="erasure_requested")
    assert {n.recipient for n in notices} == {admin_member, second_admin}
    first_time = volunteer.erasure_requested_at
    member_erasure_request(member=volunteer)  # again: nothing new
    volunteer.refresh_from_db()
    assert volunteer.erasure_requested_at == first_time
    assert Notice.objects.filter(kind="erasure_requested").count() == 2


def test_the_admins_get_a_discreet_notice_that_names_nobody(volunteer, admin_member, organisation, mailoutbox):
    member_erasure_request(member=volunteer)
    notice = Notice.objects.get(kind="erasure_requested", recipient=admin_member)
    with translation.override("sv"):
        notice_send(notice_id=notice.pk)
    [message] = mailoutbox
    assert message.subject.startswith("Jourplan: ")
    text = message.subject + message.body
    assert organisation.name not in text and volunteer.first_name not in text and volunteer.last_name not in text
    assert f"/{organisation.slug}/members/{volunteer.pk}/" in message.body


def test_the_admin_sees_the_request_and_completes_it_with_the_existing_erasure(
    client, volunteer, admin_member, organisation
):
    member_erasure_request(member=volunteer)
    log_in(client, admin_member)
    page = client.get(reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": volunteer.pk}))
    text = page.content.decode()
    assert 'class="erasure-requested"' in text
    assert reverse("members:member_erase", kwargs={"organisation": organisation.slug, "pk": volunteer.pk}) in text
    member_erase(member=volunteer, by=admin_member)
    volunteer.refresh_from_db()
    assert volunteer.erased_at is not None
    notice = Notice.objects.filter(kind="erasure_requested").first()
    assert notice is None or notice.recipient_id == admin_member.pk  # her own notices go; the admin's stays
    # Once erased the request no longer shows as open.
    page = client.get(reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": volunteer.pk}))
    assert page.status_code == 404 or 'class="erasure-requested"' not in page.content.decode()


def test_the_notice_is_dropped_once_she_is_erased(volunteer, admin_member, mailoutbox):
    member_erasure_request(member=volunteer)
    member_erase(member=volunteer, by=admin_member)
    notice = Notice.objects.get(kind="erasure_requested")
    notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == "dropped" and not mailoutbox


def test_the_only_admin_cannot_ask_for_erasure(admin_member):
    with pytest.raises(JourplanError):
        member_erasure_request(member=admin_member)
    assert Member.objects.get(pk=admin_member.pk).erasure_requested_at is None
