"""A national line's shifts in the volunteer portal (issue 20): who sees them, who may take them under which
shelter's rules, and what she sees of colleagues from other shelters."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Organisation
from shifts.models import Assignment, AssignmentStatus, SwapOffer
from shifts.national import (
    NationalRefused,
    national_courses_set,
    national_line_create,
    national_organisation,
    national_volunteers_set,
    participation_accept,
)
from shifts.services import SignupRefused, shift_sign_up, swap_offer
from tests.concurrency import race, require_postgres
from tests.conftest import log_in
from tests.factories import (
    NOW,
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    OrganisationFactory,
    ShiftFactory,
    UserFactory,
    WorkloadRulesFactory,
)

EVENING = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)  # ons 4 mars 20:00 in Stockholm


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def summer(operator):
    return national_line_create(
        by=operator, name="Nationell chatt", kind="chat", min_volunteers=1, max_volunteers=2, needs_pledge=False
    )


def _take_part(line, organisation, volunteers):
    coordinator = MemberFactory(organisation=organisation, role="coordinator", first_name="Samordnare")
    participation = line.participations.get(organisation=organisation)
    participation_accept(participation=participation, by=coordinator)
    national_volunteers_set(line=line, members=volunteers, by=coordinator)
    return coordinator


@pytest.fixture
def world(summer, operator):
    """Three shelters invited: A and B take part (one volunteer let in each, one not), C has not answered."""
    from shifts.national import national_invite

    a = OrganisationFactory(name="Jouren A", slug="jour-a")
    b = OrganisationFactory(name="Jouren B", slug="jour-b")
    c = OrganisationFactory(name="Jouren C", slug="jour-c")
    national_invite(line=summer, organisations=[a, b, c], by=operator)
    anna = MemberFactory(organisation=a, first_name="Anna", last_name="Andersson")
    alva = MemberFactory(organisation=a, first_name="Alva", last_name="Axelsson")  # not let in
    bea = MemberFactory(organisation=b, first_name="Bea", last_name="Berg")
    cilla = MemberFactory(organisation=c, first_name="Cilla", last_name="Carlsson")
    coordinator_a = _take_part(summer, a, [anna])
    _take_part(summer, b, [bea])
    shift = ShiftFactory(line=summer, starts_at=EVENING)
    return {
        "a": a,
        "b": b,
        "c": c,
        "anna": anna,
        "alva": alva,
        "bea": bea,
        "cilla": cilla,
        "coordinator_a": coordinator_a,
        "shift": shift,
    }


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _open(member) -> str:
    client = log_in(Client(), member)
    return client.get(reverse("shifts:portal_open", kwargs={"organisation": member.organisation.slug})).content.decode()


def _take(member, shift):
    client = log_in(Client(), member)
    return client.post(reverse("shifts:portal_take", kwargs={"organisation": member.organisation.slug, "pk": shift.pk}))


pytestmark = pytest.mark.django_db


def test_the_national_organisation_is_no_shelter(summer):
    national = national_organisation()
    assert national.national and summer.organisation == national and summer.is_national
    assert national not in Organisation.objects.shelters()
    assert national_organisation() == national  # one, whatever the number of lines


def test_only_an_operator_creates_a_national_line(db):
    with pytest.raises(NationalRefused):
        national_line_create(by=UserFactory(), name="X", kind="chat")


def test_she_sees_the_national_shift_only_when_let_in_by_a_shelter_that_takes_part(world):
    assert "Nationell chatt" in _open(world["anna"]) and "Nationell linje" in _open(world["anna"])
    assert "Nationell chatt" in _open(world["bea"])
    assert "Nationell chatt" not in _open(world["alva"])  # her shelter takes part, she is not let in
    assert "Nationell chatt" not in _open(world["cilla"])  # her shelter has not accepted


def test_she_takes_a_national_shift_with_her_own_shelters_address(world):
    response = _take(world["anna"], world["shift"])
    assert response.status_code == 302
    assert Assignment.objects.get(shift=world["shift"]).member == world["anna"]
    # Not let in: the shift does not exist for her.
    assert _take(world["alva"], world["shift"]).status_code == 404
    assert _take(world["cilla"], world["shift"]).status_code == 404
    with pytest.raises(SignupRefused):
        shift_sign_up(shift=world["shift"], member=world["cilla"])
    assert Assignment.objects.filter(shift=world["shift"]).count() == 1


def test_her_own_shelters_workload_rule_applies_on_the_national_line(world):
    WorkloadRulesFactory(organisation=world["a"], max_per_week=1)
    own = ShiftFactory(line=LineFactory(organisation=world["a"]), starts_at=EVENING + timedelta(days=1))
    AssignmentFactory(shift=own, member=world["anna"])
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=world["shift"], member=world["anna"])
    assert [r.code for r in refused.value.refusals] == ["weekly_limit"]
    # Bea's shelter has no such rule: she takes it.
    shift_sign_up(shift=world["shift"], member=world["bea"])


def test_each_shelter_asks_its_own_trainings_for_the_national_line(world):
    course_a = CourseFactory(organisation=world["a"], name="Chattutbildning A")
    national_courses_set(line=world["shift"].line, courses=[course_a], by=world["coordinator_a"])
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=world["shift"], member=world["anna"])
    assert [r.code for r in refused.value.refusals] == ["not_qualified"]
    assert "Chattutbildning A" in refused.value.message
    shift_sign_up(shift=world["shift"], member=world["bea"])  # shelter B asks nothing of her
    # Another shelter's training is not hers to choose.
    with pytest.raises(NationalRefused):
        national_courses_set(
            line=world["shift"].line,
            courses=[CourseFactory(organisation=world["b"], name="B:s kurs")],
            by=world["coordinator_a"],
        )


def test_colleagues_from_another_shelter_are_never_named(world):
    shift = world["shift"]
    shift.line.max_volunteers = shift.max_volunteers = 3
    shift.save()
    anna2 = MemberFactory(organisation=world["a"], first_name="Agnes", last_name="Ahl")
    national_volunteers_set(line=shift.line, members=[world["anna"], anna2], by=world["coordinator_a"])
    for member in (world["anna"], world["bea"], anna2):
        shift_sign_up(shift=shift, member=member)
    client = log_in(Client(), world["anna"])
    html = client.get(reverse("shifts:portal_mine", kwargs={"organisation": "jour-a"})).content.decode()
    assert "Nationell chatt" in html
    assert "Agnes" in html  # her own shelter's colleague, by first name
    assert "en ideell från en annan jour" in html
    for name in ("Bea", "Berg"):
        assert name not in html
    html_b = log_in(Client(), world["bea"]).get(reverse("shifts:portal_mine", kwargs={"organisation": "jour-b"}))
    text = html_b.content.decode()
    for name in ("Anna", "Andersson", "Agnes", "Ahl"):
        assert name not in text
    assert text.count("en ideell från en annan jour") == 2


def test_a_swap_on_a_national_shift_stays_inside_her_shelter(world):
    shift = world["shift"]
    AssignmentFactory(shift=shift, member=world["anna"])
    offer = swap_offer(assignment=Assignment.objects.get(member=world["anna"]), by=world["anna"])
    assert SwapOffer.objects.for_organisation(world["a"]).filter(pk=offer.pk).exists()
    assert not SwapOffer.objects.for_organisation(world["b"]).filter(pk=offer.pk).exists()
    client = log_in(Client(), world["bea"])
    taken = client.post(reverse("shifts:portal_offer_take", kwargs={"organisation": "jour-b", "pk": offer.pk}))
    assert taken.status_code == 404
    assert Assignment.objects.get(shift=shift).member == world["anna"]


def test_letting_in_refuses_another_shelters_or_an_inactive_volunteer(world):
    line = world["shift"].line
    for wrong in (world["bea"], MemberFactory(organisation=world["a"], status="paused")):
        with pytest.raises(NationalRefused):
            national_volunteers_set(line=line, members=[world["anna"], wrong], by=world["coordinator_a"])
    assert list(line.national_volunteers.filter(member__organisation=world["a"]).values_list("member", flat=True)) == [
        world["anna"].pk
    ]
    with pytest.raises(NationalRefused):  # a volunteer cannot let anyone in
        national_volunteers_set(line=line, members=[world["alva"]], by=world["anna"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_volunteers_of_different_shelters_race_for_the_last_place_and_exactly_one_gets_it():
    require_postgres("the row lock needs real parallel connections")
    assert connection.vendor == "postgresql"
    operator = UserFactory(is_staff=True)
    line = national_line_create(
        by=operator, name="Nationell chatt", kind="chat", min_volunteers=1, max_volunteers=2, needs_pledge=False
    )
    shelters = [OrganisationFactory() for _ in range(4)]
    from shifts.national import national_invite

    national_invite(line=line, organisations=shelters, by=operator)
    racers = []
    for shelter in shelters:
        volunteers = MemberFactory.create_batch(2, organisation=shelter)
        _take_part(line, shelter, volunteers)
        racers += volunteers
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3))
    AssignmentFactory(shift=shift, member=racers.pop())

    def take(member):
        try:
            shift_sign_up(shift=shift, member=member)
            return "place"
        except SignupRefused as refused:
            assert refused.full, refused.message
            return "full"

    assert race(racers, take) == ["full"] * (len(racers) - 1) + ["place"]
    assert Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count() == 2


def test_her_shelters_report_counts_its_own_volunteers_hours_on_the_national_line(world):
    """A national shift's hours are the unpaid time of each shelter's own volunteers: shelter A's report has the
    line with Anna's three hours only, shelter C (not taking part) has no such line."""
    from datetime import date

    from reports.figures import report_for
    from reports.periods import Period

    shift = world["shift"]
    AssignmentFactory(shift=shift, member=world["anna"])
    AssignmentFactory(shift=shift, member=world["bea"])
    after = shift.ends_at + timedelta(hours=1)
    march = Period(first=date(2026, 3, 1), last=date(2026, 3, 1))
    rows = {row.label: row.total for row in report_for(world["a"], march, after).shift_hours}
    assert rows == {"Nationell chatt": 3}
    assert "Nationell chatt" not in {row.label for row in report_for(world["c"], march, after).shift_hours}


def test_the_waiting_list_of_a_national_shift_crosses_shelters_without_names(world):
    """Bea (shelter B) queues for a full national shift; when Anna (shelter A) releases her place, Bea gets it
    and is told, and her notice names nobody."""
    from notices.kinds import kind_for
    from notices.models import Notice
    from shifts.services import assignment_release, waiting_list_join

    shift = world["shift"]
    shift.max_volunteers = 1
    shift.starts_at += timedelta(days=3)  # beyond the release deadline
    shift.ends_at += timedelta(days=3)
    shift.save(update_fields=["max_volunteers", "starts_at", "ends_at"])
    place = shift_sign_up(shift=shift, member=world["anna"])
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=shift, member=world["bea"])
    assert refused.value.full
    waiting_list_join(shift=shift, member=world["bea"])
    assignment_release(assignment=place, by=world["anna"])
    assert Assignment.objects.active().get(shift=shift).member == world["bea"]
    notice = Notice.objects.get(kind="waiting_list_promoted", recipient=world["bea"])
    message = kind_for(notice.kind).render(notice)
    text = " ".join((message.subject, message.text, message.sms))
    assert "du har fått ett pass" in text and "Anna" not in text and "Andersson" not in text


def test_her_own_shelters_coordinators_hear_when_she_is_away_on_a_national_shift(world):
    """Anna (shelter A) holds a national place and then marks herself away that day: shelter A's coordinator is
    told the shift is at risk; shelter B's is not (it is not her volunteer)."""
    from notices.kinds import kind_for
    from notices.models import Notice
    from tests.factories import AbsenceFactory

    shift = world["shift"]
    AssignmentFactory(shift=shift, member=world["anna"], created_at=NOW - timedelta(days=1))
    AbsenceFactory(member=world["anna"], starts_on=EVENING.date(), ends_on=EVENING.date(), created_at=NOW)
    coordinator_b = MemberFactory(organisation=world["b"], role="coordinator")
    kind_for("shift_at_risk").plan(NOW)
    told = set(Notice.objects.filter(kind="shift_at_risk").values_list("recipient", flat=True))
    assert world["coordinator_a"].pk in told
    assert coordinator_b.pk not in told and not told & set(world["b"].members.values_list("pk", flat=True))


def test_her_coordinator_takes_her_off_a_national_shift_and_another_shelters_cannot(world):
    """Shelter A's coordinator takes Anna off the national shift (the next publish tells her); shelter B's
    coordinator cannot touch Anna's place (404), nor can A's touch Bea's."""
    from notices.models import Notice
    from shifts.publishing import rota_publish

    shift = world["shift"]
    anna = AssignmentFactory(shift=shift, member=world["anna"])
    bea = AssignmentFactory(shift=shift, member=world["bea"])
    coordinator_b = MemberFactory(organisation=world["b"], role="coordinator")

    def remove(coordinator, place):
        client = log_in(Client(), coordinator)
        url = reverse("shifts:national_remove", kwargs={"organisation": coordinator.organisation.slug, "pk": place.pk})
        return client.post(url)

    assert remove(coordinator_b, anna).status_code == 404
    assert remove(world["coordinator_a"], bea).status_code == 404
    assert Assignment.objects.active().filter(shift=shift).count() == 2
    response = remove(world["coordinator_a"], anna)
    assert response.status_code == 302
    assert list(Assignment.objects.active().filter(shift=shift).values_list("member", flat=True)) == [world["bea"].pk]
    assert rota_publish(organisation=world["a"]) == 1  # Anna is told with her shelter's next publish
    assert Notice.objects.filter(kind="assignments_published", recipient=world["anna"]).exists()
    assert rota_publish(organisation=world["b"]) == 0


def test_the_operators_sign_up_window_governs_the_national_line(world, operator):
    from shifts.national import national_settings_update

    national_settings_update(by=operator, signup_window_days=7)
    far = ShiftFactory(line=world["shift"].line, starts_at=NOW + timedelta(days=10))
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=far, member=world["anna"])
    assert [r.code for r in refused.value.refusals] == ["outside_window"]
    with pytest.raises(NationalRefused):
        national_settings_update(by=UserFactory(), signup_window_days=30)


def test_letting_her_in_and_inviting_a_shelter_are_on_the_audit_trail(world):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from shifts.models import NationalParticipation, NationalVolunteer

    let_in = ContentType.objects.get_for_model(NationalVolunteer)
    invited = ContentType.objects.get_for_model(NationalParticipation)
    row = NationalVolunteer.objects.get(member=world["anna"])
    assert LogEntry.objects.filter(content_type=let_in, object_pk=str(row.pk), action=LogEntry.Action.CREATE).exists()
    assert LogEntry.objects.filter(content_type=invited, action=LogEntry.Action.CREATE).count() == 3
