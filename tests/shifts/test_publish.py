"""Publicering: samordnarens ändringar samlas och varje berörd ideell får ETT meddelande."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from notices.outbox import notice_send
from shifts.generation import wall_clock
from shifts.models import RotaChange, Shift
from shifts.publishing import rota_publish
from tests.factories import MemberFactory
from tests.shifts.factories import make_line, put_on

pytestmark = pytest.mark.django_db


def _shift(line, day, hour=20):
    starts_at = wall_clock(day, time(hour), line.organisation.zone)
    return Shift.objects.create(
        line=line, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), min_volunteers=1, max_volunteers=3
    )


def _url(organisation, name, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"shelter": organisation.slug, **kwargs})


def test_ett_meddelande_per_ideell_och_inget_nytt_vid_andra_publiceringen(organisation, coordinator_client):
    line = make_line(organisation, name="Jourtelefon")
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


def test_meddelandet_ar_diskret_och_listar_hennes_andringar(organisation):
    line = make_line(organisation, name="Jourtelefon")
    day = datetime(2027, 3, 2, tzinfo=UTC).date()
    added, removed = _shift(line, day), _shift(line, day + timedelta(days=1))
    lena = MemberFactory(organisation=organisation, first_name="Lena", user__email="lena@example.org")
    colleague = MemberFactory(organisation=organisation, first_name="Kollegan", last_name="Namnsson")
    put_on(added, colleague)
    put_on(added, lena)
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


def test_meddelande_pa_engelska(organisation):
    line = make_line(organisation, name="Phone")
    shift = _shift(line, datetime(2027, 3, 2, tzinfo=UTC).date())
    member = MemberFactory(organisation=organisation, language="en", user__email="en@example.org")
    RotaChange.objects.create(shift=shift, member=member, kind="added", created_at=timezone.now())
    rota_publish(organisation=organisation)
    notice = Notice.objects.get(kind="assignments_published", recipient=member)
    assert notice_send(notice_id=notice.pk) == "sent"
    assert mail.outbox[-1].subject == "Jourplan: changes in your rota"
    assert "– added" in mail.outbox[-1].body


def test_publicering_ror_inte_andra_jourers_andringar(organisation, other_organisation):
    foreign = _shift(make_line(other_organisation), timezone.localdate() + timedelta(days=3))
    member = MemberFactory(organisation=other_organisation)
    RotaChange.objects.create(shift=foreign, member=member, kind="added", created_at=timezone.now())
    assert rota_publish(organisation=organisation) == 0
    assert RotaChange.objects.get().published_at is None
