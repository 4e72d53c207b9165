"""The path as a board (issue 19): the coordinator sees everyone on the way in, column by column, and moves cards
on (recording who and when, and the evidence a step needs) or back; the last step makes her active, so the sign-up
rules decide what she may take. The board reads the same number of queries for 5 people as for 500."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.errors import JourplanError
from memberpath.models import PathProgress, PathStep, StepKind
from memberpath.selectors import board
from memberpath.services import PathRefused, path_move_back, path_move_on, path_standard_create
from members.models import Interview, Member, MemberStatus, RecordCheck, Role
from members.rank import RankRefused
from members.services import pledge_publish, pledge_sign
from shifts.models import AssignmentStatus
from shifts.services import shift_sign_up
from tests.conftest import log_in
from tests.factories import LineFactory, MemberFactory, ShiftFactory, TrainingRecordFactory
from trainings.models import TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(organisation):
    """The standard path: Intresseanmälan → Intervju → Registerutdrag → Grundutbildning → Aktiv."""
    return path_standard_create(organisation=organisation, by=None)


@pytest.fixture
def sara(organisation):
    return MemberFactory(
        organisation=organisation,
        user=None,
        first_name="Sara",
        status=MemberStatus.PROSPECTIVE,
        email="sara@example.org",
    )


def board_url(organisation):
    return reverse("memberpath:board", kwargs={"organisation": organisation.slug})


def on_url(member):
    return reverse("memberpath:move_on", kwargs={"organisation": member.organisation.slug, "pk": member.pk})


def back_url(member):
    return reverse("memberpath:move_back", kwargs={"organisation": member.organisation.slug, "pk": member.pk})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def column_of(organisation, coordinator, member) -> str:
    for column in board(organisation, coordinator).columns:
        if any(card.member.pk == member.pk for card in column.cards):
            return column.step.name
    return ""


def test_the_standard_path_names_the_shelters_steps(organisation, steps):
    assert [(s.name, s.kind) for s in steps] == [
        ("Intresseanmälan", StepKind.CUSTOM),
        ("Intervju", StepKind.INTERVIEW),
        ("Registerutdrag", StepKind.RECORD_CHECK),
        ("Grundutbildning", StepKind.TRAINING),
        ("Aktiv", StepKind.ACTIVE),
    ]
    assert steps[3].course.name == "Grundutbildning om mäns våld mot kvinnor"
    with pytest.raises(PathRefused):
        path_standard_create(organisation=organisation, by=None)


def test_moving_a_card_records_who_and_when(coordinator_client, organisation, coordinator, steps, sara):
    before = timezone.now()
    response = coordinator_client.post(on_url(sara), {"step": steps[1].pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#path-member-{sara.pk}")
    progress = PathProgress.objects.get(member=sara)
    assert progress.step == steps[1] and progress.done_by == coordinator and progress.done_at >= before
    assert column_of(organisation, coordinator, sara) == "Intervju"
    # The audit trail has the move, with the coordinator's login as the actor.
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PathProgress), object_pk=str(progress.pk)
    )
    assert entry.actor == coordinator.user
    # A second click on the same button (the board did not reload) changes nothing.
    response = coordinator_client.post(on_url(sara), {"step": steps[1].pk})
    assert PathProgress.objects.filter(member=sara).count() == 1
    assert messages_of(response)  # a message says she is no longer there


def test_the_card_shows_what_she_lacks_and_since_when(coordinator_client, organisation, coordinator, steps, sara):
    Member.objects.filter(pk=sara.pk).update(asked_to_join_at=timezone.now() - timedelta(days=3))
    Interview.objects.create(member=sara, held_on=timezone.localdate())
    card = board(organisation, coordinator).columns[0].cards[0]
    assert card.lacks[1:] == ("Grundutbildning om mäns våld mot kvinnor",) and len(card.lacks) == 2
    assert card.since == Member.objects.get(pk=sara.pk).asked_to_join_at
    html = coordinator_client.get(board_url(organisation)).content.decode()
    since = timezone.localtime(card.since, organisation.zone)
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    assert f'<time datetime="{since.isoformat()}">sedan {since.day} {months[since.month - 1]}</time>' in html
    assert f'id="path-member-{sara.pk}"' in html


def test_an_interview_step_records_the_interview_or_is_refused(
    coordinator_client, organisation, coordinator, steps, sara
):
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    # Without a date: refused, naming what she lacks; nothing changed.
    response = coordinator_client.post(on_url(sara), {"step": steps[2].pk})
    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert not Interview.objects.filter(member=sara).exists()
    assert column_of(organisation, coordinator, sara) == "Intervju"
    # With the date: the interview is recorded through the register's service, and she moves on.
    held = timezone.localdate() - timedelta(days=1)
    coordinator_client.post(on_url(sara), {"step": steps[2].pk, "evidence_on": held.isoformat()})
    interview = Interview.objects.get(member=sara)
    assert interview.held_on == held and interview.recorded_by == coordinator
    assert column_of(organisation, coordinator, sara) == "Registerutdrag"


def test_a_record_extract_and_a_training_are_recorded_on_the_way(organisation, coordinator, steps, sara):
    today = timezone.localdate()
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    path_move_on(member=sara, to_step=steps[2], by=coordinator, evidence_on=today)
    with pytest.raises(PathRefused):
        path_move_on(member=sara, to_step=steps[3], by=coordinator)
    with pytest.raises(JourplanError):  # a future date is refused by the register's own service
        path_move_on(member=sara, to_step=steps[3], by=coordinator, evidence_on=today + timedelta(days=1))
    with pytest.raises(PathRefused):  # an extract no longer valid
        path_move_on(
            member=sara, to_step=steps[3], by=coordinator, evidence_on=today - timedelta(days=800),
            valid_until=today - timedelta(days=1),
        )  # fmt: skip
    assert not RecordCheck.objects.filter(member=sara).exists()
    path_move_on(member=sara, to_step=steps[3], by=coordinator, evidence_on=today)
    check = RecordCheck.objects.get(member=sara)
    assert check.seen_by == coordinator and check.seen_on == today and check.valid_until > today
    with pytest.raises(PathRefused) as refused:
        path_move_on(member=sara, to_step=steps[4], by=coordinator)
    assert "Grundutbildning om mäns våld mot kvinnor" in refused.value.message
    path_move_on(member=sara, to_step=steps[4], by=coordinator, evidence_on=today)
    record = TrainingRecord.objects.get(member=sara)
    assert record.course == steps[3].course and record.recorded_by == coordinator


def test_evidence_already_there_needs_no_date(organisation, coordinator, steps, sara):
    Interview.objects.create(member=sara, held_on=timezone.localdate())
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    path_move_on(member=sara, to_step=steps[2], by=coordinator)  # no date: the interview is there
    assert Interview.objects.filter(member=sara).count() == 1


def test_the_pledge_she_signs_herself(organisation, coordinator, sara):
    steps = path_standard_create(organisation=organisation, by=None)
    pledge_step = PathStep.objects.create(organisation=organisation, position=9, name="Tystnadslöfte", kind="pledge")
    PathStep.objects.filter(pk=steps[-1].pk).update(position=10)
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    TrainingRecordFactory(member=sara, course=steps[3].course, completed_on=timezone.localdate())
    Interview.objects.create(member=sara, held_on=timezone.localdate())
    RecordCheck.objects.create(
        member=sara, seen_on=timezone.localdate(), valid_until=timezone.localdate() + timedelta(days=700)
    )
    for step in (steps[2], steps[3], pledge_step):
        path_move_on(member=sara, to_step=step, by=coordinator)
    card = board(organisation, coordinator).columns[4].cards[0]
    assert card.pledge_waits and card.member == sara
    with pytest.raises(PathRefused):  # no pledge published yet
        path_move_on(member=sara, to_step=steps[4], by=coordinator)
    text = pledge_publish(organisation=organisation, text="Jag lovar.")
    with pytest.raises(PathRefused):  # nobody signs for her
        path_move_on(member=sara, to_step=steps[4], by=coordinator)
    pledge_sign(member=sara, pledge_text=text)
    path_move_on(member=sara, to_step=steps[4], by=coordinator)
    sara.refresh_from_db()
    assert sara.status == MemberStatus.ACTIVE


def _to_the_last_step(sara, steps, coordinator):
    today = timezone.localdate()
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    for step in steps[2:]:
        path_move_on(member=sara, to_step=step, by=coordinator, evidence_on=today)


def test_the_last_step_makes_her_active_and_the_rules_then_let_her_sign_up(organisation, coordinator, steps, sara):
    line = LineFactory(organisation=organisation, needs_pledge=False)
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=2))
    _to_the_last_step(sara, steps, coordinator)
    sara.refresh_from_db()
    assert sara.status == MemberStatus.ACTIVE and sara.status_changed_on == timezone.localdate()
    # Still on the board for a while (in the last column), so the move can be undone.
    assert column_of(organisation, coordinator, sara) == "Aktiv"
    assignment = shift_sign_up(shift=shift, member=sara)
    assert assignment.status == AssignmentStatus.CONFIRMED


def test_undo_moves_her_back_and_out_of_active(coordinator_client, organisation, coordinator, steps, sara):
    _to_the_last_step(sara, steps, coordinator)
    response = coordinator_client.post(back_url(sara), {"step": steps[4].pk})
    assert response.status_code == 302
    sara.refresh_from_db()
    assert sara.status == MemberStatus.PROSPECTIVE
    assert column_of(organisation, coordinator, sara) == "Grundutbildning"
    # The evidence stays: the training happened.
    assert TrainingRecord.objects.filter(member=sara).exists()
    assert not PathProgress.objects.filter(member=sara, step=steps[4]).exists()
    # Back to the first column, then no further.
    for step in (steps[3], steps[2], steps[1]):
        path_move_back(member=sara, from_step=step, by=coordinator)
    assert column_of(organisation, coordinator, sara) == "Intresseanmälan"
    with pytest.raises(PathRefused):
        path_move_back(member=sara, from_step=steps[0], by=coordinator)
    deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PathProgress), action=LogEntry.Action.DELETE
    )
    assert deleted.count() == 4


def test_a_coordinator_cannot_move_an_admin(coordinator_client, organisation, coordinator, admin_member, steps):
    prospective_admin = MemberFactory(organisation=organisation, role=Role.ADMIN, status=MemberStatus.PROSPECTIVE)
    with pytest.raises(RankRefused):
        path_move_on(member=prospective_admin, to_step=steps[1], by=coordinator)
    response = coordinator_client.post(on_url(prospective_admin), {"step": steps[1].pk})
    assert response.status_code == 302 and messages_of(response)
    assert not PathProgress.objects.exists()
    card = board(organisation, coordinator).columns[0].cards[0]
    assert card.member == prospective_admin and not card.may_move
    # An admin may.
    path_move_on(member=prospective_admin, to_step=steps[1], by=admin_member)


def test_a_volunteer_and_another_shelter_cannot_move_anyone(
    client, organisation, volunteer, other_shelter_coordinator, steps, sara
):
    assert log_in(client, volunteer).post(on_url(sara), {"step": steps[1].pk}).status_code == 403
    assert log_in(client, volunteer).get(board_url(organisation)).status_code == 403
    assert log_in(client, other_shelter_coordinator).post(on_url(sara), {"step": steps[1].pk}).status_code == 404
    assert log_in(client, other_shelter_coordinator).get(board_url(organisation)).status_code == 404
    # Her own shelter's board, with another shelter's member: 404.
    other_steps = path_standard_create(organisation=other_shelter_coordinator.organisation, by=None)
    other_url = reverse(
        "memberpath:move_on", kwargs={"organisation": other_shelter_coordinator.organisation.slug, "pk": sara.pk}
    )
    assert log_in(client, other_shelter_coordinator).post(other_url, {"step": other_steps[1].pk}).status_code == 404
    assert not PathProgress.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"step": "999999"},
        {"step": "abc"},
        {"step": "-1"},
        {"step": "1" * 40},
        {"step": "STEP1", "evidence_on": "igår"},
        {"step": "STEP1", "evidence_on": "2026-13-45"},
    ],
)
def test_bad_input_changes_nothing(coordinator_client, organisation, steps, sara, data):
    data = {key: str(steps[1].pk) if value == "STEP1" else value for key, value in data.items()}
    for url in (on_url(sara), back_url(sara)):
        response = coordinator_client.post(url, data)
        assert response.status_code == 302 and messages_of(response), data
    assert not PathProgress.objects.exists() and not Interview.objects.exists()


def test_a_step_of_another_shelter_or_a_skipped_step_changes_nothing(
    coordinator_client, organisation, other_organisation, steps, sara
):
    other_steps = path_standard_create(organisation=other_organisation, by=None)
    response = coordinator_client.post(on_url(sara), {"step": other_steps[1].pk})
    assert response.status_code == 302 and messages_of(response)
    response = coordinator_client.post(on_url(sara), {"step": steps[3].pk})  # skipping two steps
    assert response.status_code == 302 and messages_of(response)
    with pytest.raises(PathRefused):
        path_move_on(member=sara, to_step=other_steps[1], by=None)
    assert not PathProgress.objects.exists()


def test_someone_not_on_the_path_cannot_be_moved(organisation, coordinator, steps, volunteer):
    with pytest.raises(PathRefused):
        path_move_on(member=volunteer, to_step=steps[1], by=coordinator)
    assert not PathProgress.objects.exists()


def test_who_is_on_the_board(organisation, coordinator, steps, sara, volunteer):
    left = MemberFactory(organisation=organisation, status=MemberStatus.LEFT, user=None)
    PathProgress.objects.create(member=left, step=steps[1])
    long_ago = MemberFactory(organisation=organisation, status=MemberStatus.ACTIVE, user=None)
    PathProgress.objects.create(member=long_ago, step=steps[4], done_at=timezone.now() - timedelta(days=60))
    on_the_way = MemberFactory(organisation=organisation, status=MemberStatus.ACTIVE, user=None, first_name="Pia")
    PathProgress.objects.create(member=on_the_way, step=steps[2])
    people = {card.member.pk for column in board(organisation, coordinator).columns for card in column.cards}
    assert people == {sara.pk, on_the_way.pk}


def _fill(organisation, steps, count):
    members = Member.objects.bulk_create(
        Member(organisation=organisation, first_name=f"Ny{i}", status=MemberStatus.PROSPECTIVE) for i in range(count)
    )
    PathProgress.objects.bulk_create(
        PathProgress(member=member, step=steps[1 + i % 4]) for i, member in enumerate(members) if i % 5
    )
    Interview.objects.bulk_create(Interview(member=m, held_on=date(2026, 1, 1)) for m in members[::3])
    course = steps[3].course
    TrainingRecord.objects.bulk_create(
        TrainingRecord(member=m, course=course, completed_on=date(2026, 1, 1)) for m in members[::4]
    )


def _queries(client, organisation) -> int:
    client.get(board_url(organisation))  # the first request after logging in also saves the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(board_url(organisation))
    assert response.status_code == 200
    return len(queries)


def test_the_board_reads_the_same_queries_for_5_and_500_people(coordinator_client, organisation, coordinator, steps):
    _fill(organisation, steps, 5)
    few = _queries(coordinator_client, organisation)
    _fill(organisation, steps, 495)
    many = _queries(coordinator_client, organisation)
    assert few == many == 6  # the session, her login, her membership; the steps, the pledge, the people
    assert board(organisation, coordinator).people == 500
    html = coordinator_client.get(board_url(organisation)).content.decode()
    assert html.count('data-testid="path-card"') == 500


def test_the_board_itself_is_three_queries(organisation, coordinator, steps, django_assert_num_queries):
    _fill(organisation, steps, 20)
    with django_assert_num_queries(3):
        board(organisation, coordinator)


def test_a_shelter_without_steps_is_offered_the_standard_path(client, organisation, coordinator, admin_member):
    html = log_in(client, coordinator).get(board_url(organisation)).content.decode()
    assert reverse("memberpath:standard", kwargs={"organisation": organisation.slug}) not in html
    html = log_in(client, admin_member).get(board_url(organisation)).content.decode()
    standard = reverse("memberpath:standard", kwargs={"organisation": organisation.slug})
    assert standard in html
    response = client.post(standard, {"return": "board"})
    assert response.status_code == 302 and response["Location"] == board_url(organisation)
    assert PathStep.objects.filter(organisation=organisation).count() == 5


def test_the_start_page_panel_links_to_the_board(client, organisation, coordinator, sara, steps):
    html = log_in(client, coordinator).get(reverse("members:portal", kwargs={"organisation": organisation.slug}))
    assert board_url(organisation) in html.content.decode()


def test_the_menu_links_to_the_board_for_coordinators_only(client, organisation, coordinator, volunteer):
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    assert board_url(organisation) in log_in(client, coordinator).get(portal).content.decode()
    assert board_url(organisation) not in log_in(client, volunteer).get(portal).content.decode()


def test_the_board_marks_its_own_menu_entry_only(client, organisation, coordinator):
    html = log_in(client, coordinator).get(board_url(organisation)).content.decode()
    assert f'<a href="{board_url(organisation)}" aria-current="page">' in html
    members_url = reverse("members:member_list", kwargs={"organisation": organisation.slug})
    assert f'<a href="{members_url}">' in html  # not marked, although the board's address is under it


def test_the_admins_audit_trail_shows_her_moves(client, organisation, coordinator, admin_member, steps, sara):
    audit_trail = reverse("members:audit_trail", kwargs={"organisation": organisation.slug})
    log_in(client, admin_member)
    before = client.get(audit_trail).content.decode().count(sara.full_name)
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    page = client.get(audit_trail)
    assert page.status_code == 200 and page.content.decode().count(sara.full_name) == before + 1
