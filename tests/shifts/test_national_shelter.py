"""A shelter coordinator on the national rota (issue 20): she answers the invitations, lets her volunteers in on a
line her shelter takes part in, chooses which of her shelter's trainings they need for it, sees its coming shifts
(her own volunteers by name, the rest as a count) and stops taking part. Names of other shelters' volunteers never
reach her pages."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import MemberStatus
from shifts.models import AssignmentStatus, NationalParticipation, NationalVolunteer
from shifts.national import national_organisation
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    OrganisationFactory,
    ShiftFactory,
)
from trainings.models import CoursePurpose

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def national():
    return national_organisation()


@pytest.fixture
def line(national):
    return LineFactory(organisation=national, name="Sommarchatt", kind="chat", needs_record_check=True)


@pytest.fixture
def taking_part(line, organisation):
    return NationalParticipation.objects.create(line=line, organisation=organisation, accepted_at=timezone.now())


@pytest.fixture
def invited(national, organisation):
    line = LineFactory(organisation=national, name="Nationell telefon", kind="phone")
    return NationalParticipation.objects.create(line=line, organisation=organisation)


def url(name, organisation, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


# -- invitations ---------------------------------------------------------------------------------------------------


def test_the_list_shows_invitations_and_the_lines_she_takes_part_in(
    coordinator_client, organisation, invited, taking_part, volunteer
):
    NationalVolunteer.objects.create(line=taking_part.line, member=volunteer)
    page = text(coordinator_client.get(url("national_list", organisation)))
    assert "Nationell telefon" in page and _("Take part") in page
    assert _("Phone") in page
    assert "Sommarchatt" in page
    assert _("Your volunteers let in: %(count)s") % {"count": 1} in page
    assert url("national_line", organisation, pk=taking_part.line_id) in page
    assert _("National lines") in page  # the menu item


def test_she_accepts_an_invitation(coordinator_client, coordinator, organisation, invited):
    response = coordinator_client.post(url("national_accept", organisation, pk=invited.line_id), follow=True)
    invited.refresh_from_db()
    assert invited.accepted_at is not None and invited.accepted_by == coordinator
    assert response.redirect_chain[-1][0] == url("national_line", organisation, pk=invited.line_id)
    assert _("Who may take its shifts") in text(response)


def test_she_declines_an_invitation(coordinator_client, organisation, invited):
    response = coordinator_client.post(url("national_leave", organisation, pk=invited.line_id), follow=True)
    assert not NationalParticipation.objects.filter(pk=invited.pk).exists()
    assert _("The invitation to %(line)s is declined.") % {"line": "Nationell telefon"} in text(response)


def test_an_admin_accepts_too(admin_client_member, organisation, invited):
    admin_client_member.post(url("national_accept", organisation, pk=invited.line_id))
    invited.refresh_from_db()
    assert invited.accepted_at is not None


def test_a_line_her_shelter_was_not_invited_to_is_not_found(
    coordinator_client, organisation, other_organisation, national
):
    elsewhere = LineFactory(organisation=national, name="Annans linje")
    NationalParticipation.objects.create(line=elsewhere, organisation=other_organisation, accepted_at=timezone.now())
    own_line = LineFactory(organisation=organisation, name="Egen telefon")
    for line_pk in (elsewhere.pk, own_line.pk, 10**9):
        assert coordinator_client.get(url("national_line", organisation, pk=line_pk)).status_code == 404
        for action in ("national_accept", "national_leave", "national_volunteers", "national_courses"):
            assert coordinator_client.post(url(action, organisation, pk=line_pk)).status_code == 404
    assert NationalParticipation.objects.get(line=elsewhere).accepted_at is not None


def test_an_invitation_not_yet_accepted_has_no_line_page(coordinator_client, organisation, invited, volunteer):
    assert coordinator_client.get(url("national_line", organisation, pk=invited.line_id)).status_code == 404
    response = coordinator_client.post(
        url("national_volunteers", organisation, pk=invited.line_id), {"member": [volunteer.pk]}
    )
    assert response.status_code == 404
    assert not NationalVolunteer.objects.exists()


def test_a_volunteer_is_refused(volunteer_client, organisation, taking_part):
    assert volunteer_client.get(url("national_list", organisation)).status_code == 403
    assert volunteer_client.get(url("national_line", organisation, pk=taking_part.line_id)).status_code == 403


# -- her volunteers on the line ------------------------------------------------------------------------------------


def test_she_lets_volunteers_in_and_takes_them_off(coordinator_client, organisation, taking_part, volunteer):
    other = MemberFactory(organisation=organisation, first_name="Stina", last_name="Sommar")
    line_url = url("national_line", organisation, pk=taking_part.line_id)
    page = text(coordinator_client.get(line_url))
    assert "Stina Sommar" in page and volunteer.full_name in page

    save = url("national_volunteers", organisation, pk=taking_part.line_id)
    response = coordinator_client.post(save, {"member": [volunteer.pk, other.pk]}, follow=True)
    assert set(NationalVolunteer.objects.values_list("member", flat=True)) == {volunteer.pk, other.pk}
    assert _("Saved: %(added)d let in, %(removed)d taken off.") % {"added": 2, "removed": 0} in text(response)
    assert f'value="{volunteer.pk}" checked' in text(response)

    response = coordinator_client.post(save, {"member": [other.pk]}, follow=True)
    assert list(NationalVolunteer.objects.values_list("member", flat=True)) == [other.pk]
    assert _("Saved: %(added)d let in, %(removed)d taken off.") % {"added": 0, "removed": 1} in text(response)

    coordinator_client.post(save, {})
    assert not NationalVolunteer.objects.exists()


@pytest.mark.parametrize("who", ["other_shelter", "paused", "left", "missing", "not_a_number", "huge"])
def test_she_cannot_let_in_anyone_but_her_active_volunteers(
    who, coordinator_client, organisation, other_organisation, taking_part, volunteer
):
    NationalVolunteer.objects.create(line=taking_part.line, member=volunteer)
    forged = {
        "other_shelter": lambda: MemberFactory(organisation=other_organisation).pk,
        "paused": lambda: MemberFactory(organisation=organisation, status=MemberStatus.PAUSED).pk,
        "left": lambda: MemberFactory(organisation=organisation, status=MemberStatus.LEFT).pk,
        "missing": lambda: 10**9,
        "not_a_number": lambda: "tre",
        "huge": lambda: str(2**70),
    }[who]()
    response = coordinator_client.post(
        url("national_volunteers", organisation, pk=taking_part.line_id), {"member": [forged]}, follow=True
    )
    assert response.status_code == 200
    assert _("Only active volunteers of your shelter can be let in.") in text(response)
    assert _("Nothing was changed.") in text(response)
    assert list(NationalVolunteer.objects.values_list("member", flat=True)) == [volunteer.pk]


def test_only_active_members_are_offered(coordinator_client, organisation, taking_part):
    MemberFactory(organisation=organisation, first_name="Pausad", status=MemberStatus.PAUSED)
    MemberFactory(organisation=organisation, first_name="Slutat", status=MemberStatus.LEFT)
    page = text(coordinator_client.get(url("national_line", organisation, pk=taking_part.line_id)))
    assert "Pausad" not in page and "Slutat" not in page


# -- her trainings for the line ------------------------------------------------------------------------------------


def test_she_chooses_her_shelters_trainings(coordinator_client, organisation, other_organisation, taking_part):
    line = taking_part.line
    theirs = CourseFactory(organisation=other_organisation, name="Deras chattkurs")
    NationalParticipation.objects.create(line=line, organisation=other_organisation, accepted_at=timezone.now())
    line.required_courses.add(theirs)
    mine = CourseFactory(organisation=organisation, name="Vår chattkurs")
    page = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    assert "Vår chattkurs" in page and "Deras chattkurs" not in page
    assert _("The federation asks for a valid criminal record extract.") in page
    assert _("The federation asks for no signed pledge.") in page

    response = coordinator_client.post(
        url("national_courses", organisation, pk=line.pk), {"course": [mine.pk]}, follow=True
    )
    assert set(line.required_courses.all()) == {mine, theirs}
    assert _("The trainings your volunteers need for this line are saved.") in text(response)

    coordinator_client.post(url("national_courses", organisation, pk=line.pk), {})
    assert set(line.required_courses.all()) == {theirs}


@pytest.mark.parametrize("which", ["other_shelter", "supervision", "missing", "not_a_number"])
def test_courses_of_another_shelter_or_not_trainings_are_refused(
    which, coordinator_client, organisation, other_organisation, taking_part
):
    line = taking_part.line
    mine = CourseFactory(organisation=organisation, name="Vår chattkurs")
    line.required_courses.add(mine)
    forged = {
        "other_shelter": lambda: CourseFactory(organisation=other_organisation, name="Deras kurs").pk,
        "supervision": lambda: (
            CourseFactory(organisation=organisation, name="Handledning X", purpose=CoursePurpose.SUPERVISION).pk
        ),
        "missing": lambda: 10**9,
        "not_a_number": lambda: "-1",
    }[which]()
    response = coordinator_client.post(
        url("national_courses", organisation, pk=line.pk), {"course": [forged]}, follow=True
    )
    assert _("Choose among your shelter's own trainings.") in text(response)
    assert _("Nothing was changed.") in text(response)
    assert list(line.required_courses.all()) == [mine]


# -- the coming shifts, and whose names she sees ----------------------------------------------------------------------


def test_other_shelters_volunteers_appear_only_as_a_count(
    coordinator_client, organisation, taking_part, volunteer, invited
):
    line = taking_part.line
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3), min_volunteers=2, max_volunteers=4)
    strangers = []
    for n in (1, 2):
        shelter = OrganisationFactory(name=f"Kvinnojouren Hemlig{n}")
        NationalParticipation.objects.create(line=line, organisation=shelter, accepted_at=timezone.now())
        stranger = MemberFactory(organisation=shelter, first_name=f"Ragnvi{n}", last_name=f"Zetterqvist{n}")
        AssignmentFactory(shift=shift, member=stranger)
        strangers.append(stranger)
    AssignmentFactory(shift=shift, member=volunteer)
    NationalVolunteer.objects.create(line=line, member=volunteer)

    line_url = url("national_line", organisation, pk=line.pk)
    page = text(coordinator_client.get(line_url))
    assert volunteer.full_name in page
    assert ngettext("%(counter)s from another shelter", "%(counter)s from other shelters", 2) % {"counter": 2} in page
    assert _("%(count)s on it (%(low)s–%(high)s)") % {"count": 3, "low": 2, "high": 4} in page

    pages = [
        page,
        text(coordinator_client.get(url("national_list", organisation))),
        text(coordinator_client.post(url("national_volunteers", organisation, pk=line.pk), {}, follow=True)),
        text(coordinator_client.post(url("national_courses", organisation, pk=line.pk), {}, follow=True)),
        text(coordinator_client.post(url("national_accept", organisation, pk=invited.line_id), follow=True)),
        text(coordinator_client.post(url("national_leave", organisation, pk=line.pk), follow=True)),
    ]
    for shown in pages:
        for stranger in strangers:
            assert stranger.first_name not in shown and stranger.last_name not in shown
            assert stranger.organisation.name not in shown


def test_her_shadow_is_marked_and_cancelled_or_far_shifts_are_left_out(
    coordinator_client, organisation, taking_part, volunteer
):
    line = taking_part.line
    now = timezone.now()
    soon = ShiftFactory(line=line, starts_at=now + timedelta(days=1))
    AssignmentFactory(shift=soon, member=volunteer, status=AssignmentStatus.SHADOW)
    ShiftFactory(line=line, starts_at=now + timedelta(days=2), cancelled_at=now, note="Inställt pass")
    far = ShiftFactory(line=line, starts_at=now + timedelta(weeks=9))
    past = ShiftFactory(line=line, starts_at=now - timedelta(days=2))
    response = coordinator_client.get(url("national_line", organisation, pk=line.pk))
    assert len(response.context["rows"]) == 1
    shown = {row.shift.pk for row in response.context["rows"]}
    assert shown == {soon.pk} and far.pk not in shown and past.pk not in shown
    assert 'badge-shadow">' + _("Shadow") in text(response)


# -- stopping ------------------------------------------------------------------------------------------------------


def test_she_stops_taking_part(coordinator_client, organisation, other_organisation, taking_part, volunteer):
    line = taking_part.line
    NationalVolunteer.objects.create(line=line, member=volunteer)
    theirs = MemberFactory(organisation=other_organisation)
    NationalParticipation.objects.create(line=line, organisation=other_organisation, accepted_at=timezone.now())
    NationalVolunteer.objects.create(line=line, member=theirs)
    response = coordinator_client.post(url("national_leave", organisation, pk=line.pk), follow=True)
    assert not NationalParticipation.objects.filter(organisation=organisation).exists()
    assert list(NationalVolunteer.objects.values_list("member", flat=True)) == [theirs.pk]
    assert _("Your shelter does not take part in any national line.") in text(response)
    assert coordinator_client.get(url("national_line", organisation, pk=line.pk)).status_code == 404


def test_a_get_on_an_action_changes_nothing(coordinator_client, organisation, invited):
    assert coordinator_client.get(url("national_accept", organisation, pk=invited.line_id)).status_code == 405
    assert coordinator_client.get(url("national_leave", organisation, pk=invited.line_id)).status_code == 405
    invited.refresh_from_db()
    assert invited.accepted_at is None


# -- query counts --------------------------------------------------------------------------------------------------


def _national_world(organisation, national, size: int):
    """`size` national lines her shelter takes part in (and as many invitations), each with `size` coming shifts
    holding her volunteers and another shelter's, `size` of her volunteers let in, `size` trainings."""
    other = OrganisationFactory()
    now = timezone.now()
    lines = []
    for n in range(size):
        line = LineFactory(organisation=national, name=f"Nationell {size}-{n}")
        lines.append(line)
        NationalParticipation.objects.create(line=line, organisation=organisation, accepted_at=now)
        NationalParticipation.objects.create(line=line, organisation=other, accepted_at=now)
        invitation = LineFactory(organisation=national, name=f"Inbjudan {size}-{n}")
        NationalParticipation.objects.create(line=invitation, organisation=organisation)
        line.required_courses.add(CourseFactory(organisation=organisation, name=f"Kurs {size}-{n}"))
    members = [MemberFactory(organisation=organisation) for _ in range(size)]
    strangers = [MemberFactory(organisation=other) for _ in range(size)]
    for line in lines:
        for member in members:
            NationalVolunteer.objects.create(line=line, member=member)
        for day in range(size):
            shift = ShiftFactory(line=line, starts_at=now + timedelta(days=day + 1))
            AssignmentFactory(shift=shift, member=members[day % size])
            AssignmentFactory(shift=shift, member=strangers[day % size])
    return lines[0]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow(coordinator_client, organisation, national, django_assert_max_num_queries):
    small = _national_world(organisation, national, 1)
    list_url = url("national_list", organisation)
    small_list = _queries(coordinator_client, list_url)
    small_line = _queries(coordinator_client, url("national_line", organisation, pk=small.pk))

    big = _national_world(organisation, national, 6)
    with django_assert_max_num_queries(small_list):
        coordinator_client.get(list_url)
    with django_assert_max_num_queries(small_line):
        response = coordinator_client.get(url("national_line", organisation, pk=big.pk))
    assert len(response.context["rows"]) == 6
    assert small_list <= 8 and small_line <= 14, (small_list, small_line)


def test_an_admin_sees_the_line_page(admin_client_member, organisation, taking_part):
    assert admin_client_member.get(url("national_line", organisation, pk=taking_part.line_id)).status_code == 200
