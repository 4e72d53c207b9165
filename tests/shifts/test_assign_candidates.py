"""The shift page's assign form: who may take the shift comes first (bounded), anyone else through a name search
with what stands in her way, the reason box only when an override is needed, a started shift says so, and the
page reads the same number of queries whatever the size of the shelter."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MemberStatus, PledgeSignature, PledgeText, Role
from shifts.candidates import ELIGIBLE_SHOWN, FOUND_SHOWN, WEIGHED, candidates_for
from shifts.models import Assignment, AssignmentStatus
from shifts.rules import Code, SignupFacts, codes, signup_refusals
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def _soon(days=3) -> date:
    return timezone.localdate() + timedelta(days=days)


def _shift(line, day: date | None = None, hour=20, **extra):
    return ShiftFactory(line=line, local_start=datetime.combine(day or _soon(), time(hour)), **extra)


def _page_url(shift, **query) -> str:
    """The shift page with its assign list (?assign=1: the page's link without JavaScript; htmx loads the same
    list into the plain page, test_the_page_comes_first_and_htmx_loads_the_assign_list_into_its_place)."""
    url = reverse("shifts:rota_shift", kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})
    query = {"assign": "1", **query}
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def _plain_url(shift) -> str:
    return reverse("shifts:rota_shift", kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})


def _assign_url(shift) -> str:
    return reverse("shifts:rota_assign", kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})


def _volunteers(organisation, count, *, prefix="Ideell", **extra) -> list[Member]:
    """Members without a login, in bulk (a big shelter in a moment)."""
    return Member.objects.bulk_create(
        Member(organisation=organisation, first_name=f"{prefix}{i:03}", last_name="Test", **extra) for i in range(count)
    )


def _radio_names(page: str) -> list[str]:
    """The names offered as choices in the assign form (its radio buttons), in order."""
    return [name.strip() for name in re.findall(r'type="radio" name="member" value="\d+"[^>]*> <span>([^<]+)', page)]


def test_the_form_offers_those_who_may_take_the_shift_first_and_at_most_fifteen(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Jourtelefon")
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning"))
    shift = _shift(line)
    qualified = _volunteers(organisation, ELIGIBLE_SHOWN + 5)
    from trainings.models import TrainingRecord

    TrainingRecord.objects.bulk_create(
        TrainingRecord(member=m, course=line.required_courses.get(), completed_on=_soon(-30)) for m in qualified
    )
    MemberFactory(organisation=organisation, first_name="Aina", last_name="Okvalificerad")
    MemberFactory(organisation=organisation, first_name="Agnes", role=Role.ADMIN)

    page = coordinator_client.get(_page_url(shift)).content.decode()

    offered = _radio_names(page)
    assert offered == [f"{m.first_name} Test" for m in qualified[:ELIGIBLE_SHOWN]]
    assert "Aina" not in page and "Agnes" not in page and "Cecilia" not in page
    assert "---------" not in page
    assert "sök efter namn nedan" in page


def test_the_page_comes_first_and_htmx_loads_the_assign_list_into_its_place(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=3)
    shift = _shift(line)
    vera = MemberFactory(organisation=organisation, first_name="Vera")

    page = coordinator_client.get(_plain_url(shift)).content.decode()
    assert _radio_names(page) == [] and "Förslag till luckan" not in page
    placeholder = page.split('id="assign-choices"', 1)[1].split("</div>", 1)[0]
    assert f'hx-get="{_plain_url(shift)}?assign=1"' in placeholder and 'hx-trigger="load"' in placeholder
    assert f'href="{_plain_url(shift)}?assign=1#assign"' in placeholder  # without JavaScript: a link to it
    assert 'id="assign-q"' in page  # the name search needs no list
    assert f'href="{_plain_url(shift)}?assign=1#callout"' in page  # whom a call-out asks comes with the list

    fragment = coordinator_client.get(
        f"{_plain_url(shift)}?assign=1", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="assign-choices"
    )
    part = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in part and "HX-Target" in fragment["Vary"]
    assert _radio_names(part) == [vera.full_name] and "Förslag till luckan" in part
    assert 'id="callout-ask"' in part and f'name="member" value="{vera.pk}"' in part.split('id="callout-ask"')[1]
    # The same list in the page, for the link without JavaScript.
    assert _radio_names(coordinator_client.get(_page_url(shift)).content.decode()) == [vera.full_name]


def test_those_with_fewest_shifts_in_the_month_come_first(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, max_volunteers=3)
    shift = _shift(line)
    busy, free = (MemberFactory(organisation=organisation, first_name=name) for name in ("Anna", "Bodil"))
    for hour in (8, 12):
        AssignmentFactory(shift=_shift(line, hour=hour), member=busy)

    page = coordinator_client.get(_page_url(shift)).content.decode()

    assert _radio_names(page)[:2] == [free.full_name, busy.full_name]
    assert "0 pass i" in page and "2 pass i" in page


def test_only_members_who_take_shifts_are_offered(organisation, coordinator, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line)
    on_the_rota = MemberFactory(organisation=organisation, first_name="Siv", role=Role.COORDINATOR)
    AssignmentFactory(shift=_shift(line, day=_soon(10)), member=on_the_rota)
    MemberFactory(organisation=organisation, first_name="Paula", status=MemberStatus.PAUSED)
    MemberFactory(organisation=organisation, first_name="Ingrid", status=MemberStatus.PROSPECTIVE)
    MemberFactory(organisation=organisation, first_name="Lisa", status=MemberStatus.LEFT)
    volunteer = MemberFactory(organisation=organisation, first_name="Vera")

    offered = _radio_names(coordinator_client.get(_page_url(shift)).content.decode())

    assert sorted(offered) == sorted([on_the_rota.full_name, volunteer.full_name])


def test_who_is_on_it_at_that_time_or_lacks_a_training_is_not_offered(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, max_volunteers=3, needs_pledge=True)
    PledgeText.objects.create(organisation=organisation, version=1, text="Tystnadslöfte", published_at=NOW)
    shift = _shift(line)
    on_it, busy, unsigned, free = (
        MemberFactory(organisation=organisation, first_name=name) for name in ("Olga", "Berit", "Ulla", "Frida")
    )
    for signed in (on_it, busy, free):
        PledgeSignature.objects.create(member=signed, pledge_text=PledgeText.objects.get())
    AssignmentFactory(shift=shift, member=on_it)
    AssignmentFactory(shift=_shift(LineFactory(organisation=organisation), hour=21), member=busy)

    offered = _radio_names(coordinator_client.get(_page_url(shift)).content.decode())

    assert offered == [free.full_name]


def test_many_who_lack_the_training_do_not_crowd_out_those_who_may(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, max_volunteers=3)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning"))
    shift = _shift(line)
    _volunteers(organisation, WEIGHED + 5, prefix="Ny")  # no shifts at all, so first by the month's count
    busy = _volunteers(organisation, 3, prefix="Erfaren")
    from trainings.models import TrainingRecord

    TrainingRecord.objects.bulk_create(
        TrainingRecord(member=m, course=line.required_courses.get(), completed_on=_soon(-30)) for m in busy
    )
    Assignment.objects.bulk_create(Assignment(shift=_shift(line, hour=9), member=m, created_at=NOW) for m in busy)

    offered = _radio_names(coordinator_client.get(_page_url(shift)).content.decode())

    assert offered == [f"{m.first_name} Test" for m in busy]


def test_search_finds_the_others_with_what_stands_in_their_way(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattkurs"))
    shift = _shift(line)
    vera = MemberFactory(organisation=organisation, first_name="Vera", last_name="Ek")
    MemberFactory(organisation=organisation, first_name="Karin", last_name="Berg")

    page = coordinator_client.get(_page_url(shift, q="vera")).content.decode()

    found = page.split('id="assign-found"', 1)[1]
    assert "Vera Ek" in found and "Karin" not in found
    assert "Du behöver Chattkurs" in found
    assert f"pick={vera.pk}" in found and "Välj Vera" in found
    assert "Nobody" not in page
    # A full name, in any case, finds her too; a name nobody has says so.
    assert "Vera Ek" in coordinator_client.get(_page_url(shift, q="EK+vera")).content.decode()
    assert "Ingen medlem matchar" in coordinator_client.get(_page_url(shift, q="Zelda")).content.decode()


def test_search_shows_a_bounded_number_of_hits(organisation, coordinator_client):
    shift = _shift(LineFactory(organisation=organisation))
    _volunteers(organisation, FOUND_SHOWN + 5, prefix="Sökbar")

    page = coordinator_client.get(_page_url(shift, q="sökbar")).content.decode()

    found = page.split('id="assign-found"', 1)[1]
    assert found.count('class="candidate-name"') == FOUND_SHOWN
    assert "skriv mer av namnet" in found


def test_the_search_is_enhanced_by_htmx_and_a_bad_query_is_told_in_swedish(organisation, coordinator_client):
    shift = _shift(LineFactory(organisation=organisation))
    MemberFactory(organisation=organisation, first_name="Vera")
    response = coordinator_client.get(_page_url(shift, q="Vera"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="assign-found"' in response.content.decode()
    response = coordinator_client.get(_page_url(shift, q="x" * 101))
    assert response.status_code == 200
    assert "som mest 100 tecken" in response.content.decode()
    response = coordinator_client.get(_page_url(shift, q="%00", pick="-1"))
    assert response.status_code == 200


def test_the_reason_box_appears_only_after_a_refusal(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattkurs"))
    shift = _shift(line)
    vera = MemberFactory(organisation=organisation, first_name="Vera")

    first = coordinator_client.get(_page_url(shift)).content.decode()
    assert 'name="reason"' not in first and "Tilldela ändå" not in first

    refused = coordinator_client.post(_assign_url(shift), {"member": vera.pk})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert 'name="reason"' in page and "Tilldela ändå" in page and "Du behöver Chattkurs" in page
    assert f'value="{vera.pk}" checked' in page  # she stays chosen

    done = coordinator_client.post(
        _assign_url(shift), {"member": vera.pk, "override": "1", "reason": "Kursen är gjord"}
    )
    assert done.status_code == 302
    assert Assignment.objects.get(shift=shift, member=vera).overridden_by is not None


def test_choosing_someone_the_rules_refuse_from_the_search_shows_the_reason_box(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattkurs"))
    shift = _shift(line)
    vera = MemberFactory(organisation=organisation, first_name="Vera")

    page = coordinator_client.get(_page_url(shift, q="Vera", pick=vera.pk)).content.decode()

    assert f'value="{vera.pk}" checked' in page
    assert 'name="reason"' in page and "Tilldela ändå" in page
    assert "Varning: hon uppfyller inte de här reglerna för passet" in page and "Du behöver Chattkurs" in page


def test_choosing_someone_who_may_take_it_from_the_search_needs_no_reason(organisation, coordinator_client):
    shift = _shift(LineFactory(organisation=organisation))
    vera = MemberFactory(organisation=organisation, first_name="Vera")

    page = coordinator_client.get(_page_url(shift, q="Vera", pick=vera.pk)).content.decode()

    assert f'value="{vera.pk}" checked' in page
    assert 'name="reason"' not in page and "Tilldela ändå" not in page


def test_someone_already_on_the_shift_is_found_but_cannot_be_chosen(organisation, coordinator_client):
    shift = _shift(LineFactory(organisation=organisation))
    vera = AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation, first_name="Vera")).member

    found = coordinator_client.get(_page_url(shift, q="Vera")).content.decode().split('id="assign-found"', 1)[1]

    assert "redan med på det här passet" in found and f"pick={vera.pk}" not in found
    response = coordinator_client.post(_assign_url(shift), {"member": vera.pk, "override": "1", "reason": "x"})
    assert response.status_code == 302
    assert "Hon är redan med på det här passet" in coordinator_client.get(response["Location"]).content.decode()


def test_a_started_shift_says_so_and_offers_no_assign_form(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = ShiftFactory(line=line, starts_at=timezone.now() - timedelta(hours=1))
    vera = MemberFactory(organisation=organisation, first_name="Vera")

    page = coordinator_client.get(_page_url(shift)).content.decode()
    assert "Passet har redan börjat." in page
    assert 'name="member"' not in page and 'name="q"' not in page

    response = coordinator_client.post(_assign_url(shift), {"member": vera.pk, "override": "1", "reason": "Kom in"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Passet har redan börjat." in page and "uppfyller inte" not in page
    assert not Assignment.objects.filter(member=vera).exists()


def test_a_cancelled_shift_offers_no_assign_form(organisation, coordinator_client):
    shift = _shift(LineFactory(organisation=organisation), cancelled_at=timezone.now())
    MemberFactory(organisation=organisation, first_name="Vera")
    page = coordinator_client.get(_page_url(shift)).content.decode()
    assert "Passet är inställt." in page and 'name="member"' not in page


@pytest.mark.parametrize(
    ("on_it", "words", "not_there"),
    [
        (1, ["1 av 3", "Saknar 1"], ["Fullt"]),
        (2, ["2 av 3"], ["Saknar", "Fullt"]),
        (3, ["3 av 3", "Fullt"], ["Saknar"]),
    ],
)
def test_the_staffing_is_told_in_words(organisation, coordinator_client, on_it, words, not_there):
    shift = _shift(LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=3))
    for member in _volunteers(organisation, on_it):
        AssignmentFactory(shift=shift, member=member)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation), status=AssignmentStatus.SHADOW)
    staffing = coordinator_client.get(_page_url(shift)).content.decode().split('class="page-title"', 1)[1]
    staffing = staffing.split("<section", 1)[0]
    assert all(word in staffing for word in words)
    assert not any(word in staffing for word in not_there)
    assert "Underbemannat" not in staffing


def _shelter(organisation, volunteers):
    """A shelter of `volunteers` (half of them qualified), each with a place on another shift this month."""
    line = LineFactory(organisation=organisation, max_volunteers=3)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning"))
    members = _volunteers(organisation, volunteers, prefix=f"Storlek{volunteers}-")
    from trainings.models import TrainingRecord

    TrainingRecord.objects.bulk_create(
        TrainingRecord(member=m, course=line.required_courses.get(), completed_on=_soon(-30)) for m in members[::2]
    )
    other = _shift(line, hour=9)
    Assignment.objects.bulk_create(Assignment(shift=other, member=m, created_at=NOW) for m in members[:3])
    return _shift(line), members


def _page_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_the_page_reads_the_same_number_of_queries_at_60_and_600_volunteers(
    organisation, other_organisation, coordinator_client
):
    small, small_members = _shelter(organisation, 60)
    from tests.conftest import log_in

    big_coordinator = MemberFactory(organisation=other_organisation, role=Role.COORDINATOR)
    big, big_members = _shelter(other_organisation, 600)
    big_client = coordinator_client.__class__()
    log_in(big_client, big_coordinator)

    for query in ({}, {"q": "storlek"}, {"q": "storlek", "pick": "{pick}"}):  # each with the assign list
        small_query = {k: v.format(pick=small_members[1].pk) for k, v in query.items()}
        big_query = {k: v.format(pick=big_members[1].pk) for k, v in query.items()}
        small_count, small_size = _page_queries(coordinator_client, _page_url(small, **small_query))
        big_count, big_size = _page_queries(big_client, _page_url(big, **big_query))
        assert small_count == big_count, query
        assert big_size < small_size * 1.1, query  # bounded: ten times the volunteers, the same page
    # The plain page (its list comes later) and the list htmx loads into it.
    assert _page_queries(coordinator_client, _plain_url(small))[0] == _page_queries(big_client, _plain_url(big))[0]
    fragment = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "assign-choices"}
    with CaptureQueriesContext(connection) as small_fragment:
        coordinator_client.get(_page_url(small), **fragment)
    expected = len(small_fragment.captured_queries)
    with CaptureQueriesContext(connection) as big_fragment:
        big_client.get(_page_url(big), **fragment)
    assert len(big_fragment.captured_queries) == expected


def test_candidates_for_reads_a_fixed_number_of_queries(organisation, django_assert_num_queries):
    small, _ = _shelter(organisation, 4)
    with CaptureQueriesContext(connection) as first:
        candidates_for(small, timezone.now(), query="storlek")
    _volunteers(organisation, 40, prefix="Storlek4-extra")
    with django_assert_num_queries(len(first)):
        choices = candidates_for(small, timezone.now(), query="storlek")
    assert len(choices.eligible) == 2 and len(choices.found) == FOUND_SHOWN


def test_the_bulk_facts_say_what_the_facts_for_one_member_say(organisation):
    line = LineFactory(organisation=organisation, max_volunteers=2, needs_experienced=True, experienced_after_shifts=1)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattkurs"))
    shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=3))
    members = MemberFactory.create_batch(4, organisation=organisation)
    members.append(MemberFactory(organisation=organisation, status=MemberStatus.PAUSED))
    from trainings.models import TrainingRecord

    for member in members[1:]:
        TrainingRecord.objects.create(member=member, course=line.required_courses.get(), completed_on=date(2025, 1, 1))
    AssignmentFactory(shift=shift, member=members[1])
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=shift.starts_at + timedelta(hours=1)), member=members[2])
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=3)), member=members[3])

    bulk = SignupFacts.for_members(shift, members, now=NOW)

    for member in members:
        assert bulk[member.pk] == SignupFacts.for_shift(shift, member, now=NOW)
    found = {member.pk: codes(signup_refusals(bulk[member.pk])) for member in members}
    assert found == {
        members[0].pk: [Code.NOT_QUALIFIED],
        members[1].pk: [Code.ALREADY_ON],
        members[2].pk: [Code.OVERLAP],
        members[3].pk: [],
        members[4].pk: [Code.MEMBERSHIP_INACTIVE],
    }
