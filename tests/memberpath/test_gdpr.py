"""Her moves on the path are hers (issue 19): her data download lists them, erasing her removes them with their audit
entries, and declining someone who asked to join still erases her in one step."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from memberpath.models import PathProgress
from memberpath.services import path_move_on, path_standard_create
from members.gdpr import member_erase, member_export
from members.interest import interest_submit
from members.models import MemberStatus
from members.services import member_mark_left
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_her_export_lists_her_moves(organisation, coordinator):
    steps = path_standard_create(organisation=organisation, by=None)
    sara = MemberFactory(organisation=organisation, status=MemberStatus.PROSPECTIVE)
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    section = member_export(sara)["memberpath"]
    assert len(section) == 1
    assert section[0]["step"] == "Intervju" and section[0]["moved_by"] == coordinator.first_name
    assert section[0]["moved_at"].endswith(("+01:00", "+02:00"))


def test_erasing_her_removes_her_moves_and_their_audit_entries(organisation, coordinator):
    steps = path_standard_create(organisation=organisation, by=None)
    sara = MemberFactory(organisation=organisation, status=MemberStatus.PROSPECTIVE)
    progress = path_move_on(member=sara, to_step=steps[1], by=coordinator)
    content_type = ContentType.objects.get_for_model(PathProgress)
    assert LogEntry.objects.filter(content_type=content_type, object_pk=str(progress.pk)).exists()
    member_mark_left(member=sara, by=coordinator)
    member_erase(member=sara, by=coordinator)
    assert not PathProgress.objects.filter(member=sara).exists()
    assert not LogEntry.objects.filter(content_type=content_type, object_pk=str(progress.pk)).exists()


def test_declining_someone_on_the_path_still_erases_her(client, organisation, coordinator):
    from tests.conftest import log_in

    steps = path_standard_create(organisation=organisation, by=None)
    sara = interest_submit(organisation=organisation, first_name="Sara", email="sara@example.org", kinds=[])
    assert sara is not None
    path_move_on(member=sara, to_step=steps[1], by=coordinator)
    log_in(client, coordinator)
    response = client.post(reverse("members:member_decline", kwargs={"organisation": organisation.slug, "pk": sara.pk}))
    assert response.status_code == 302
    sara.refresh_from_db()
    assert sara.erased_at is not None and not PathProgress.objects.filter(member=sara).exists()
    # She is off the board.
    board = client.get(reverse("memberpath:board", kwargs={"organisation": organisation.slug})).content.decode()
    assert f'id="path-member-{sara.pk}"' not in board


def test_her_data_page_shows_her_moves(client, organisation, coordinator, volunteer):
    from members.models import Member
    from tests.conftest import log_in

    steps = path_standard_create(organisation=organisation, by=None)
    Member.objects.filter(pk=volunteer.pk).update(status=MemberStatus.PROSPECTIVE)
    volunteer.refresh_from_db()
    path_move_on(member=volunteer, to_step=steps[1], by=coordinator)
    page = log_in(client, volunteer).get(reverse("members:my_data", kwargs={"organisation": organisation.slug}))
    assert page.status_code == 200 and "Intervju" in page.content.decode()
    data = log_in(client, volunteer).get(reverse("members:my_data_json", kwargs={"organisation": organisation.slug}))
    assert data.json()["memberpath"][0]["step"] == "Intervju"
