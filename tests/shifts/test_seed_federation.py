"""`manage.py seed_federation` fills a load-test database with shelters that work like real ones."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Organisation
from members.models import Member, Role
from shifts.models import Assignment, Shift
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def test_it_refuses_a_database_not_named_for_it():
    with pytest.raises(CommandError, match='must contain "fed"'):
        call_command("seed_federation", shelters=1, volunteers=2)
    assert not Organisation.objects.filter(slug__startswith="fed-").exists()


def test_seeded_shelters_have_members_shifts_and_working_pages(client):
    out = StringIO()
    call_command("seed_federation", shelters=2, volunteers=4, database_name_check="off", stdout=out)
    assert "Seeded 2 shelters" in out.getvalue()
    organisations = Organisation.objects.filter(slug__startswith="fed-")
    assert organisations.count() == 2
    first = organisations.order_by("slug").first()
    assert Member.objects.filter(organisation=first, role=Role.VOLUNTEER).count() == 4
    assert Shift.objects.filter(line__organisation=first).exists()
    assert Assignment.objects.filter(shift__line__organisation=first).exists()
    assert "national line: shifts, shelters, let in" in out.getvalue()
    # Each shelter's coordinator sees its own rota; the second run adds nothing.
    coordinator = Member.objects.filter(organisation=first, role=Role.COORDINATOR).first()
    log_in(client, coordinator)
    assert client.get(reverse("shifts:rota_month", kwargs={"organisation": first.slug})).status_code == 200
    with pytest.raises(CommandError, match="already here"):
        call_command("seed_federation", shelters=2, volunteers=4, database_name_check="off")
    assert organisations.count() == 2


def test_the_seed_adds_the_national_summer_chat_with_shelters_taking_part():
    from zoneinfo import ZoneInfo

    from benchmarks.seed_federation import NATIONAL_LINE, seed
    from shifts.models import Line, NationalParticipation, NationalVolunteer

    counts = seed(shelters=8, volunteers=12, out=lambda *_: None)
    line = Line.objects.get(name=NATIONAL_LINE)
    assert line.is_national and line.kind == "chat"
    assert not Organisation.objects.shelters().filter(pk=line.organisation_id).exists()
    # A quarter of the shelters take part (40 of 160; here 2 of 8), every one accepted by its coordinator.
    taking_part = NationalParticipation.objects.filter(line=line)
    assert taking_part.count() == counts["national_shelters"] == 2
    assert not taking_part.filter(accepted_at=None).exists()
    assert set(taking_part.values_list("organisation__slug", flat=True)) == {"fed-002", "fed-006"}
    assert set(taking_part.values_list("accepted_by__role", flat=True)) == {Role.COORDINATOR}
    # 5–10 active volunteers of each shelter taking part are let in, and no one else.
    let_in = NationalVolunteer.objects.filter(line=line).select_related("member")
    assert let_in.count() == counts["national_volunteers"]
    per_shelter = {}
    for volunteer in let_in:
        assert volunteer.member.role == Role.VOLUNTEER and volunteer.member.status == "active"
        assert volunteer.added_by.organisation_id == volunteer.member.organisation_id
        per_shelter.setdefault(volunteer.member.organisation_id, 0)
        per_shelter[volunteer.member.organisation_id] += 1
    assert set(per_shelter) == set(taking_part.values_list("organisation_id", flat=True))
    assert all(5 <= n <= 10 for n in per_shelter.values())
    # Two evening shifts every day of June–August, Swedish local time, min 2 and max 4, none taken yet.
    shifts = Shift.objects.filter(line=line)
    assert shifts.count() == counts["national_shifts"] == 2 * 92
    zone = ZoneInfo("Europe/Stockholm")
    starts = [s.starts_at.astimezone(zone) for s in shifts]
    assert {s.month for s in starts} == {6, 7, 8}
    assert len({s.date() for s in starts}) == 92 and len({s.year for s in starts}) == 1
    assert {(s.hour, s.minute) for s in starts} == {(18, 0), (21, 0)}
    assert {(s.min_volunteers, s.max_volunteers) for s in shifts} == {(2, 4)}
    assert not Assignment.objects.filter(shift__line=line).exists()


def test_the_national_line_is_seeded_once_and_the_small_shelter_takes_no_part():
    from benchmarks.seed_federation import NATIONAL_LINE, seed
    from shifts.models import Line, NationalParticipation

    seed(shelters=2, volunteers=4, out=lambda *_: None)
    # The load test's small shelter (to compare query counts with) is seeded beside it, outside the national line.
    counts = seed(shelters=1, volunteers=6, slug_prefix="small-", national_shelters=0, out=lambda *_: None)
    assert "national_shelters" not in counts
    line = Line.objects.get(name=NATIONAL_LINE)
    assert list(NationalParticipation.objects.filter(line=line).values_list("organisation__slug", flat=True)) == [
        "fed-002"
    ]
    assert Organisation.objects.filter(national=True).count() == 1


def test_the_load_test_sorts_the_answers_of_a_national_take():
    from benchmarks.federation_load import DONE, take_outcome

    queue = "/fed-002/shifts/7/queue/"
    assert take_outcome(200, b"<li>" + DONE + b"Klart</span>", queue) == "taken"
    assert take_outcome(200, f'<form action="{queue}">'.encode(), queue) == "refused: full"
    assert take_outcome(200, "Passet är fullt. Du kan ställa dig på väntelistan.".encode(), queue) == "refused: full"
    assert take_outcome(200, b'role="status"><span class="badge badge-under">', queue) == "refused: other"
    assert take_outcome(404, b"", queue) == "not open to her (404)"
    assert take_outcome(500, b"", queue) == "error"
    assert take_outcome(403, b"", queue) == "error"
