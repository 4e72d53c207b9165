"""Publishing: the coordinator's changes are gathered and each volunteer concerned gets ONE message."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from notices.outbox import notice_send
from shifts.models import RotaChange
from shifts.publishing import rota_publish
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def _shift(line, day, hour=20):
    return ShiftFactory(line=line, local_start=datetime.combine(day, time(hour)), min_volunteers=1, max_volunteers=3)


def _url(organisation, name, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def test_one_message_per_volunteer_and_nothing_new_on_the_second_publish(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Jourtelefon")
    day = timezone.localdate() + timedelta(days=5)
    first, second, third = _shift(line, day), _shift(line, day + timedelta(days=1)), _shift(line, day, hour=10)
    lena = MemberFactory(organisation=organisation, first_name="Lena")
    karin = MemberFactory(organisation=organisation, first_name="Karin")
    for shift in (first, second):
        coordinator_client.post(_url(organisation, "rota_assign", pk=shift.pk), {"member": lena.pk})
    coordinator_client.post(_url(organisation, "rota_assign", pk=third.pk), {"member": karin.pk})
    assert not Notice.objects.filter(kind="assignments_published").exists()
    page = coordinator_client.get(_url(organisation, "rota_month")).content.decode()
    assert "3 opublicerade ändringar" in page

    response = coordinator_client.post(_url(organisation, "rota_publish"), follow=True)
    assert "Publicerat: 2 ideella" in response.content.decode()
    notices = Notice.objects.filter(kind="assignments_published")
    assert notices.count() == 2
    assert len(notices.get(recipient=lena).payload["changes"]) == 2
    assert not RotaChange.objects.filter(published_at=None).exists()

    response = coordinator_client.post(_url(organisation, "rota_publish"), follow=True)
    assert "Det fanns inga opublicerade ändringar" in response.content.decode()
    assert notices.count() == 2


def test_the_message_is_discreet_and_lists_her_changes(organisation):
    line = LineFactory(organisation=organisation, name="Jourtelefon")
    day = datetime(2027, 3, 2, tzinfo=UTC).date()
    added, removed = _shift(line, day), _shift(line, day + timedelta(days=1))
    lena = MemberFactory(organisation=organisation, first_name="Lena", user__email="lena@example.org")
    colleague = MemberFactory(organisation=organisation, first_name="Kollegan", last_name="Namnsson")
    AssignmentFactory(shift=added, member=colleague)
    AssignmentFactory(shift=added, member=lena)
    RotaChange.objects.create(shift=added, member=lena, kind="added", created_at=timezone.now())
    RotaChange.objects.create(shift=removed, member=lena, kind="removed", created_at=timezone.now())
    rota_publish(organisation=organisation)
    notice = Notice.objects.get(kind="assignments_published", recipient=lena)
    assert notice_send(notice_id=notice.pk) == "sent"
    message = mail.outbox[-1]
    assert message.subject == "Jourplan: ändringar i ditt schema"
    assert "Pass tis 2 mars 20:00–23:00 – tillagd" in message.body
    assert "Pass ons 3 mars 20:00–23:00 – borttagen" in message.body
    for secret in ("Kollegan", "Namnsson", organisation.name, "Jourtelefon"):
        assert secret not in message.subject
        assert secret not in message.body


def test_the_message_in_english(organisation):
    line = LineFactory(organisation=organisation, name="Phone")
    shift = _shift(line, datetime(2027, 3, 2, tzinfo=UTC).date())
    member = MemberFactory(organisation=organisation, language="en", user__email="en@example.org")
    RotaChange.objects.create(shift=shift, member=member, kind="added", created_at=timezone.now())
    rota_publish(organisation=organisation)
    notice = Notice.objects.get(kind="assignments_published", recipient=member)
    assert notice_send(notice_id=notice.pk) == "sent"
    assert mail.outbox[-1].subject == "Jourplan: changes in your rota"
    assert "– added" in mail.outbox[-1].body


def test_publishing_leaves_other_shelters_changes_alone(organisation, other_organisation):
    foreign = _shift(LineFactory(organisation=other_organisation), timezone.localdate() + timedelta(days=3))
    member = MemberFactory(organisation=other_organisation)
    RotaChange.objects.create(shift=foreign, member=member, kind="added", created_at=timezone.now())
    assert rota_publish(organisation=organisation) == 0
    assert RotaChange.objects.get().published_at is None
