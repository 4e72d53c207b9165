"""The federation operator runs the national rota (issue 20): she creates a national line, adds a pattern,
generates its shifts, invites shelters, and sees the gaps with counts per shelter, never a volunteer's name.
Nobody else finds the pages."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from shifts.models import Line, NationalParticipation, NationalVolunteer, Shift, ShiftPattern
from shifts.national import national_organisation
from tests.conftest import log_in
from tests.factories import (
    AssignmentFactory,
    LineFactory,
    MemberFactory,
    OrganisationFactory,
    ShiftFactory,
    ShiftPatternFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def operator_client(client, operator):
    return log_in(client, operator)


@pytest.fixture
def national_line(db):
    return LineFactory(organisation=national_organisation(), name="Sommarchatten", min_volunteers=2, max_volunteers=3)


def _soon(days: int, hour: int = 18):
    """A shift start `days` days from today, at `hour` local time, as an aware datetime."""
    zone = national_organisation().zone
    day = timezone.localdate(timezone=zone) + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=zone)


def _urls(line, pattern):
    return [
        ("get", reverse("national:lines")),
        ("post", reverse("national:lines")),
        ("get", reverse("national:line", kwargs={"pk": line.pk})),
        ("post", reverse("national:line", kwargs={"pk": line.pk})),
        ("post", reverse("national:invite", kwargs={"pk": line.pk})),
        ("get", reverse("national:gaps", kwargs={"pk": line.pk})),
        ("get", reverse("national:pattern_create", kwargs={"line_pk": line.pk})),
        ("post", reverse("national:pattern_create", kwargs={"line_pk": line.pk})),
        ("get", reverse("national:pattern_edit", kwargs={"pk": pattern.pk})),
        ("get", reverse("national:pattern_generate", kwargs={"pk": pattern.pk})),
        ("post", reverse("national:pattern_generate", kwargs={"pk": pattern.pk})),
    ]


def test_the_operator_creates_a_line_adds_a_pattern_generates_shifts_and_invites_two_shelters(operator_client):
    first = OrganisationFactory(name="Kvinnojouren Alfa")
    second = OrganisationFactory(name="Kvinnojouren Beta")
    left_out = OrganisationFactory(name="Kvinnojouren Gamma")

    page = operator_client.get(reverse("national:lines"))
    assert page.status_code == 200
    response = operator_client.post(
        reverse("national:lines"),
        {
            "name": "Sommarchatten",
            "kind": "chat",
            "min_volunteers": 2,
            "max_volunteers": 3,
            "needs_pledge": "on",
            "required_shadow_shifts": 1,
            "experienced_after_shifts": 10,
        },
    )
    line = Line.objects.get(name="Sommarchatten")
    assert response.status_code == 302 and response["Location"] == reverse("national:line", kwargs={"pk": line.pk})
    assert line.is_national and line.kind == "chat" and line.needs_pledge and line.required_shadow_shifts == 1
    assert (line.min_volunteers, line.max_volunteers) == (2, 3)

    today = timezone.localdate()
    response = operator_client.post(
        reverse("national:pattern_create", kwargs={"line_pk": line.pk}),
        {
            "weekdays": [0, 2, 4],
            "start_time": "18:00",
            "end_time": "21:00",
            "every_n_weeks": 1,
            "anchor_date": today.isoformat(),
            "valid_from": today.isoformat(),
        },
    )
    pattern = ShiftPattern.objects.get(line=line)
    assert response["Location"] == reverse("national:pattern_generate", kwargs={"pk": pattern.pk})
    page = operator_client.post(
        response["Location"], {"start": today.isoformat(), "end": (today + timedelta(days=13)).isoformat()}
    )
    assert page.status_code == 200
    assert Shift.objects.filter(line=line).count() == 6  # Mon, Wed, Fri of two weeks
    assert "6" in page.content.decode()

    page = operator_client.get(reverse("national:line", kwargs={"pk": line.pk}))
    assert "Kvinnojouren Alfa" in page.content.decode()  # offered as a checkbox
    response = operator_client.post(
        reverse("national:invite", kwargs={"pk": line.pk}), {"shelters": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert set(NationalParticipation.objects.filter(line=line).values_list("organisation__name", flat=True)) == {
        "Kvinnojouren Alfa",
        "Kvinnojouren Beta",
    }
    page = operator_client.get(reverse("national:line", kwargs={"pk": line.pk}))
    table = page.content.decode().split('data-testid="national-shelters"')[1].split("</table>")[0]
    assert "Kvinnojouren Alfa" in table and "Kvinnojouren Beta" in table and left_out.name not in table
    # The list shows the line with its shelters invited and its next shifts.
    listing = operator_client.get(reverse("national:lines")).content.decode()
    assert "Sommarchatten" in listing and "18:00–21:00" in listing


def test_a_line_with_a_bad_staffing_or_a_taken_name_is_refused_and_nothing_is_created(operator_client, national_line):
    response = operator_client.post(
        reverse("national:lines"),
        {
            "name": "Ny chatt",
            "kind": "chat",
            "min_volunteers": 3,
            "max_volunteers": 2,
            "required_shadow_shifts": 0,
            "experienced_after_shifts": 10,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = operator_client.post(
        reverse("national:lines"),
        {
            "name": "sommarchatten",
            "kind": "chat",
            "min_volunteers": 1,
            "max_volunteers": 2,
            "required_shadow_shifts": 0,
            "experienced_after_shifts": 10,
        },
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert list(Line.objects.national().values_list("name", flat=True)) == ["Sommarchatten"]


def test_the_operator_edits_the_line_and_a_shelter_line_of_the_same_number_space_is_not_hers(
    operator_client, national_line, organisation
):
    response = operator_client.post(
        reverse("national:line", kwargs={"pk": national_line.pk}),
        {
            "name": "Sommarchatten 2026",
            "kind": "chat",
            "min_volunteers": 1,
            "max_volunteers": 4,
            "required_shadow_shifts": 0,
            "experienced_after_shifts": 10,
            "active": "on",
        },
    )
    assert response.status_code == 302
    national_line.refresh_from_db()
    assert national_line.name == "Sommarchatten 2026" and national_line.max_volunteers == 4
    shelter_line = LineFactory(organisation=organisation)
    assert operator_client.get(reverse("national:line", kwargs={"pk": shelter_line.pk})).status_code == 404
    assert operator_client.get(reverse("national:gaps", kwargs={"pk": shelter_line.pk})).status_code == 404
    shelter_pattern = ShiftPatternFactory(line=shelter_line)
    assert (
        operator_client.get(reverse("national:pattern_generate", kwargs={"pk": shelter_pattern.pk})).status_code == 404
    )


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN])
def test_nobody_but_the_operator_finds_the_pages(client, organisation, national_line, role):
    pattern = ShiftPatternFactory(line=national_line)
    log_in(client, MemberFactory(organisation=organisation, role=role))
    for method, url in _urls(national_line, pattern):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert Line.objects.national().count() == 1 and not NationalParticipation.objects.exists()


def test_a_login_with_no_standing_gets_404_and_anonymous_is_sent_to_log_in(client, national_line):
    pattern = ShiftPatternFactory(line=national_line)
    for method, url in _urls(national_line, pattern):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    log_in(client, UserFactory())
    for method, url in _urls(national_line, pattern):
        assert getattr(client, method)(url).status_code == 404


def _staff_two_shelters(line):
    """A shift with two volunteers of Alfa and one of Beta (min 2: fine) and one with nobody (a gap)."""
    alfa = OrganisationFactory(name="Kvinnojouren Alfa")
    beta = OrganisationFactory(name="Kvinnojouren Beta")
    people = [
        MemberFactory(organisation=alfa, first_name="Ingrid", last_name="Lindqvist"),
        MemberFactory(organisation=alfa, first_name="Sigrid", last_name="Bergström"),
        MemberFactory(organisation=beta, first_name="Astrid", last_name="Holmberg"),
    ]
    staffed = ShiftFactory(line=line, starts_at=_soon(2))
    for person in people:
        AssignmentFactory(shift=staffed, member=person)
    empty = ShiftFactory(line=line, starts_at=_soon(3))
    return staffed, empty, people


def test_the_gap_view_shows_counts_per_shelter_and_no_name(operator_client, national_line):
    staffed, empty, people = _staff_two_shelters(national_line)
    page = operator_client.get(reverse("national:gaps", kwargs={"pk": national_line.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kvinnojouren Alfa: 2" in html and "Kvinnojouren Beta: 1" in html
    assert "3 of 2–3" in html or "3 av 2–3" in html
    for person in people:
        assert person.first_name not in html and person.last_name not in html
    rows = page.context["rows"]
    assert [row["shift"].pk for row in rows] == [staffed.pk, empty.pk]
    # Only the under-staffed: the empty shift alone.
    page = operator_client.get(reverse("national:gaps", kwargs={"pk": national_line.pk}) + "?gaps=1")
    assert [row["shift"].pk for row in page.context["rows"]] == [empty.pk]
    assert "Kvinnojouren Alfa" not in page.content.decode()


def test_the_gap_view_reads_its_period_from_the_query_string(operator_client, national_line):
    later = ShiftFactory(line=national_line, starts_at=_soon(40))
    url = reverse("national:gaps", kwargs={"pk": national_line.pk})
    assert [r["shift"].pk for r in operator_client.get(url + "?weeks=4").context["rows"]] == []
    assert [r["shift"].pk for r in operator_client.get(url).context["rows"]] == [later.pk]  # 13 weeks by default
    start = (timezone.localdate() + timedelta(days=39)).isoformat()
    assert [r["shift"].pk for r in operator_client.get(url + f"?from={start}&weeks=1").context["rows"]] == [later.pk]


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-02-30",
        "?from=x&weeks=y",
        "?weeks=0",
        "?weeks=99999999999999999999999",
        "?weeks=²",
        "?from=9999-01-01",
        "?from=1900-01-01&weeks=52",
        "?from=2200-12-31&weeks=52",
        "?gaps=yes",
        "?gaps=1&gaps=0",
        "?from=%00",
        "?weeks=-3",
    ],
)
def test_a_bad_query_string_shows_the_default_page(operator_client, national_line, query):
    response = operator_client.get(reverse("national:gaps", kwargs={"pk": national_line.pk}) + query)
    assert response.status_code == 200


def test_a_bad_invitation_is_refused_and_nothing_changes(operator_client, national_line):
    url = reverse("national:invite", kwargs={"pk": national_line.pk})
    for data in ({}, {"shelters": ["x"]}, {"shelters": [str(2**70)]}, {"shelters": [national_line.organisation_id]}):
        assert operator_client.post(url, data).status_code == 200
    assert not NationalParticipation.objects.exists()


def _seed(line, n: int, offset: int = 0):
    for i in range(offset, offset + n):
        shelter = OrganisationFactory()
        NationalParticipation.objects.create(line=line, organisation=shelter, accepted_at=timezone.now())
        member = MemberFactory(organisation=shelter)
        NationalVolunteer.objects.create(line=line, member=member)
        shift = ShiftFactory(line=line, starts_at=_soon(1 + i))
        AssignmentFactory(shift=shift, member=member)
        ShiftPatternFactory(line=line, start_time=time(8 + i % 10, 0), end_time=time(23, 0))
        other = LineFactory(organisation=national_organisation(), name=f"Nationell {i}")
        NationalParticipation.objects.create(line=other, organisation=shelter)
        ShiftFactory.create_batch(4, line=other, starts_at=_soon(1 + i))


@pytest.mark.parametrize("name", ["national:lines", "national:line", "national:gaps"])
def test_the_pages_make_the_same_number_of_queries_whatever_the_size(
    operator_client, national_line, django_assert_max_num_queries, name
):
    url = reverse(name) if name == "national:lines" else reverse(name, kwargs={"pk": national_line.pk})
    _seed(national_line, 2)
    with django_assert_max_num_queries(12) as small:
        assert operator_client.get(url).status_code == 200
    _seed(national_line, 12, offset=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert operator_client.get(url).status_code == 200


def test_a_bad_edit_shows_the_message_and_changes_nothing(operator_client, national_line):
    response = operator_client.post(
        reverse("national:line", kwargs={"pk": national_line.pk}),
        {
            "name": "Annat namn",
            "kind": "chat",
            "min_volunteers": 5,
            "max_volunteers": 1,
            "required_shadow_shifts": 0,
            "experienced_after_shifts": 10,
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Sommarchatten" in response.content.decode()
    national_line.refresh_from_db()
    assert national_line.name == "Sommarchatten" and national_line.min_volunteers == 2


def test_the_operator_changes_a_pattern_and_its_untaken_shifts_follow(operator_client, national_line):
    today = timezone.localdate()
    pattern = ShiftPatternFactory(line=national_line, anchor_date=today, valid_from=today)
    url = reverse("national:pattern_generate", kwargs={"pk": pattern.pk})
    assert operator_client.get(url).status_code == 200
    start, end = today + timedelta(days=1), today + timedelta(days=3)
    operator_client.post(url, {"start": start.isoformat(), "end": end.isoformat()})
    assert Shift.objects.filter(pattern=pattern).count() == 3
    edit = reverse("national:pattern_edit", kwargs={"pk": pattern.pk})
    assert operator_client.get(edit).status_code == 200
    response = operator_client.post(
        edit,
        {
            "weekdays": [0, 1, 2, 3, 4, 5, 6],
            "start_time": "19:00",
            "end_time": "22:00",
            "every_n_weeks": 1,
            "anchor_date": today.isoformat(),
            "valid_from": today.isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "national:line", kwargs={"pk": national_line.pk}
    )
    zone = national_line.organisation.zone
    assert {s.starts_at.astimezone(zone).hour for s in Shift.objects.filter(pattern=pattern)} == {19}


def test_the_operator_reaches_the_national_lines_from_the_federation_pages(client):
    lines_url = reverse("national:lines")
    log_in(client, UserFactory(is_staff=True))
    assert f'href="{lines_url}"' in client.get(reverse("federation_figures:figures")).content.decode()
    log_in(client, UserFactory(is_staff=True, is_superuser=True))
    assert f'href="{lines_url}"' in client.get(reverse("federation:shelters")).content.decode()


def test_the_operator_sets_the_national_lines_sign_up_window_and_release_deadline(operator_client, national_line):
    page = operator_client.get(reverse("national:lines")).content.decode()
    assert "Regler för de nationella linjerna" in page and 'name="signup_window_days"' in page
    url = reverse("national:settings")
    response = operator_client.post(url, {"signup_window_days": "90", "release_deadline_hours": "24"}, follow=True)
    assert "Inställningarna har sparats." in response.content.decode()
    national = national_organisation()
    national.refresh_from_db()
    assert (national.signup_window_days, national.release_deadline_hours) == (90, 24)
    # Out of the shelters' bounds: said in Swedish, nothing changed.
    refused = operator_client.post(url, {"signup_window_days": "1000", "release_deadline_hours": "x"}, follow=True)
    text = refused.content.decode()
    assert "Ange ett heltal från 7 till 365." in text and "Inget ändrades." in text
    national.refresh_from_db()
    assert (national.signup_window_days, national.release_deadline_hours) == (90, 24)


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN])
def test_nobody_but_the_operator_sets_the_national_rules(client, organisation, national_line, role):
    log_in(client, MemberFactory(organisation=organisation, role=role))
    response = client.post(reverse("national:settings"), {"signup_window_days": "90", "release_deadline_hours": "24"})
    assert response.status_code == 404
    national = national_organisation()
    national.refresh_from_db()
    assert national.signup_window_days == 60
