"""The shelter's own steps (issue 19): an admin adds, renames, reorders and removes them; the last step is always the
one that makes her active; a step with people in it stays until they are moved; every change is audited."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from memberpath.models import PathProgress, PathStep, StepKind
from memberpath.services import (
    PathRefused,
    path_move_on,
    path_standard_create,
    path_step_add,
    path_step_move,
    path_step_remove,
    path_step_rename,
)
from members.models import MemberStatus
from tests.conftest import log_in
from tests.factories import CourseFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(organisation):
    return path_standard_create(organisation=organisation, by=None)


def steps_url(organisation):
    return reverse("memberpath:steps", kwargs={"organisation": organisation.slug})


def change_url(step):
    return reverse("memberpath:step_change", kwargs={"organisation": step.organisation.slug, "pk": step.pk})


def names(organisation):
    return list(PathStep.objects.filter(organisation=organisation).order_by("position").values_list("name", flat=True))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_admin_adds_a_step_before_the_last_one(admin_client_member, organisation, admin_member, steps):
    response = admin_client_member.post(steps_url(organisation), {"name": "Bisittning", "kind": StepKind.CUSTOM})
    assert response.status_code == 302
    assert names(organisation) == [
        "Intresseanmälan",
        "Intervju",
        "Registerutdrag",
        "Grundutbildning",
        "Bisittning",
        "Aktiv",
    ]
    step = PathStep.objects.get(name="Bisittning")
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(PathStep), object_pk=str(step.pk))
    assert entry.actor == admin_member.user and entry.action == LogEntry.Action.CREATE


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "kind": StepKind.CUSTOM},
        {"name": "Intervju", "kind": StepKind.CUSTOM},  # the name is taken
        {"name": "intervju ", "kind": StepKind.CUSTOM},  # case and spaces aside
        {"name": "Två\nrader", "kind": StepKind.CUSTOM},
        {"name": "x" * 81, "kind": StepKind.CUSTOM},
        {"name": "Aktiv igen", "kind": StepKind.ACTIVE},  # one active step
        {"name": "Kurs", "kind": StepKind.TRAINING},  # a training step names its course
        {"name": "Kurs", "kind": StepKind.TRAINING, "course": "999999"},
        {"name": "Något", "kind": "nonsense"},
        {"name": "Något", "kind": StepKind.CUSTOM, "course": "abc"},
    ],
)
def test_a_bad_step_is_refused_and_nothing_changes(admin_client_member, organisation, steps, data):
    before = names(organisation)
    response = admin_client_member.post(steps_url(organisation), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode() or 'class="field-error"' in response.content.decode()
    assert names(organisation) == before


def test_a_training_step_names_a_course_of_her_own_shelter(organisation, other_organisation, steps):
    other_course = CourseFactory(organisation=other_organisation, name="Annan kurs")
    with pytest.raises(PathRefused):
        path_step_add(organisation=organisation, name="Kurs", kind=StepKind.TRAINING, course=other_course, by=None)
    course = CourseFactory(organisation=organisation, name="Chattkurs")
    step = path_step_add(organisation=organisation, name="Chatt", kind=StepKind.TRAINING, course=course, by=None)
    assert step.course == course
    custom = path_step_add(organisation=organisation, name="Fika", kind=StepKind.CUSTOM, course=course, by=None)
    assert custom.course is None


def test_a_path_started_from_scratch_gets_its_last_step(organisation):
    path_step_add(organisation=organisation, name="Samtal", kind=StepKind.CUSTOM, by=None)
    steps = list(PathStep.objects.filter(organisation=organisation).order_by("position"))
    assert [s.kind for s in steps] == [StepKind.CUSTOM, StepKind.ACTIVE]


def test_rename_and_reorder(admin_client_member, organisation, steps):
    admin_client_member.post(change_url(steps[1]), {"action": "rename", "name": "Första samtalet"})
    admin_client_member.post(change_url(steps[3]), {"action": "up"})
    assert names(organisation) == ["Intresseanmälan", "Första samtalet", "Grundutbildning", "Registerutdrag", "Aktiv"]
    admin_client_member.post(change_url(steps[3]), {"action": "down"})
    assert names(organisation)[3] == "Grundutbildning"
    # The last step stays last, and nothing moves below it or above the first.
    for step, action in ((steps[4], "up"), (steps[3], "down"), (steps[0], "up")):
        response = admin_client_member.post(change_url(step), {"action": action})
        assert response.status_code == 302 and messages_of(response)
    assert names(organisation) == ["Intresseanmälan", "Första samtalet", "Registerutdrag", "Grundutbildning", "Aktiv"]
    # The last step can be renamed.
    path_step_rename(step=steps[4], name="Aktiv ideell", by=None)
    assert names(organisation)[-1] == "Aktiv ideell"


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "rename", "name": ""}, {"action": "rename", "name": "Intervju"}, {"action": "fly"}],
)
def test_a_bad_change_changes_nothing(admin_client_member, organisation, steps, data):
    before = names(organisation)
    response = admin_client_member.post(change_url(steps[2]), data)
    assert response.status_code == 302 and messages_of(response)
    assert names(organisation) == before


def test_a_step_with_people_in_it_stays_until_they_are_moved(admin_client_member, organisation, admin_member, steps):
    sara = MemberFactory(organisation=organisation, user=None, status=MemberStatus.PROSPECTIVE)
    path_move_on(member=sara, to_step=steps[1], by=admin_member)
    response = admin_client_member.post(change_url(steps[1]), {"action": "remove"})
    assert response.status_code == 302 and messages_of(response)
    assert PathStep.objects.filter(pk=steps[1].pk).exists()
    # The first column holds everyone not yet moved: it cannot go either while someone waits there.
    MemberFactory(organisation=organisation, user=None, status=MemberStatus.PROSPECTIVE)
    with pytest.raises(PathRefused):
        path_step_remove(step=steps[0], by=None)
    # The last step never goes.
    with pytest.raises(PathRefused):
        path_step_remove(step=steps[4], by=None)
    # An empty step goes, and the rest close up.
    admin_client_member.post(change_url(steps[2]), {"action": "remove"})
    assert names(organisation) == ["Intresseanmälan", "Intervju", "Grundutbildning", "Aktiv"]
    assert list(
        PathStep.objects.filter(organisation=organisation).order_by("position").values_list("position", flat=True)
    ) == [1, 2, 3, 4]
    assert PathProgress.objects.filter(member=sara).count() == 1


def test_only_admins_change_the_steps(client, organisation, coordinator, steps):
    with pytest.raises(PathRefused):
        path_step_rename(step=steps[1], name="Nytt", by=coordinator)
    with pytest.raises(PathRefused):
        path_step_move(step=steps[2], up=True, by=coordinator)
    with pytest.raises(PathRefused):
        path_step_remove(step=steps[2], by=coordinator)
    with pytest.raises(PathRefused):
        path_step_add(organisation=organisation, name="X", kind=StepKind.CUSTOM, by=coordinator)
    log_in(client, coordinator)
    assert client.get(steps_url(organisation)).status_code == 403
    assert client.post(change_url(steps[1]), {"action": "remove"}).status_code == 403
    assert names(organisation)[1] == "Intervju"


def test_another_shelters_admin_gets_404_for_the_steps(client, organisation, other_organisation, steps):
    from members.models import Role

    other_admin = MemberFactory(organisation=other_organisation, role=Role.ADMIN)
    log_in(client, other_admin)
    assert client.post(change_url(steps[1]), {"action": "remove"}).status_code == 404
    # Her own shelter's address with this shelter's step: 404 too.
    url = reverse("memberpath:step_change", kwargs={"organisation": other_organisation.slug, "pk": steps[1].pk})
    assert client.post(url, {"action": "remove"}).status_code == 404
    assert PathStep.objects.filter(pk=steps[1].pk).exists()


def test_the_steps_page_lists_the_steps_and_who_stands_where(admin_client_member, organisation, steps):
    MemberFactory(organisation=organisation, user=None, status=MemberStatus.PROSPECTIVE)
    html = admin_client_member.get(steps_url(organisation)).content.decode()
    assert html.count('data-testid="path-step"') == 5
    for step in steps:
        assert step.name in html
