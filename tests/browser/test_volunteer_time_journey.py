"""Issue 20, volunteer time: a volunteer logs a support-person stretch on her phone (360 px) and sees it waiting; a
coordinator, on her phone too, returns one entry with a reason and approves the other in the queue (htmx); the
volunteer sees the reason and her approved hours. Every page passes the harness's checks (axe, no sideways scroll,
weight). Selectors use ids, not sentences: the Swedish texts arrive with the next catalogue merge."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from members.models import Role
from tests.factories import MemberFactory
from timelog.models import TimeEntry, TimeEntryStatus, TimeKind

from .conftest import assert_tap_target


def url(name, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"organisation": organisation.slug, **kwargs})


def test_time_is_logged_returned_and_approved_on_phones(phone, organisation):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")
    vera = MemberFactory(organisation=organisation, first_name="Vera")
    kind = TimeKind.objects.create(organisation=organisation, name="Stödperson vid rättegång/polisförhör")
    TimeKind.objects.create(organisation=organisation, name="Förebyggande samtal")
    yesterday = timezone.localdate() - timedelta(days=1)

    hers = phone(vera)
    page = hers.goto(url("timelog:mine", organisation))
    page.locator("[data-testid=time-privacy]").wait_for()
    hers.check("volunteer-time-empty")
    page.locator("#id_kind").select_option(str(kind.pk))
    page.locator("#id_day").fill(yesterday.isoformat())
    page.locator("#id_hours").fill("3,5")
    submit = page.locator("#time-log button[type=submit]")
    assert_tap_target(submit)
    submit.click()
    page.locator(".time-entry").first.wait_for()
    page.locator("#id_kind").select_option(str(kind.pk))
    page.locator("#id_day").fill(yesterday.isoformat())
    page.locator("#id_hours").fill("abc")
    page.locator("#time-log button[type=submit]").click()
    page.locator("#id_hours_error").wait_for()
    hers.check("volunteer-time-logged")
    page.locator("#id_hours").fill("1")
    page.locator("#time-log button[type=submit]").click()
    page.wait_for_load_state("load")
    assert TimeEntry.objects.filter(member=vera).count() == 2
    first, second = TimeEntry.objects.filter(member=vera).order_by("hours")

    office = phone(coordinator)
    page = office.goto(url("timelog:queue", organisation))
    page.locator(f"#time-queue-{first.pk}").wait_for()
    office.check("coordinator-time-queue")
    row = page.locator(f"#time-queue-{first.pk}")
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("Fel datum?")
    row.locator(".time-return-form button").click()
    page.locator(f"#time-queue-{first.pk}").wait_for(state="detached")
    checkbox = page.locator(f"#time-pick-{second.pk}")
    checkbox.check()
    approve = page.locator(".time-approve-actions .btn-primary")
    page.wait_for_function("!document.querySelector('.htmx-settling, .htmx-swapping, .htmx-added')")
    assert_tap_target(approve)
    approve.click()
    page.locator(f"#time-queue-{second.pk}").wait_for(state="detached")
    office.check("coordinator-time-queue-empty")
    assert TimeEntry.objects.get(pk=first.pk).status == TimeEntryStatus.RETURNED
    assert TimeEntry.objects.get(pk=second.pk).status == TimeEntryStatus.APPROVED

    page = hers.goto(url("timelog:mine", organisation))
    page.locator(f"#time-entry-{first.pk} [data-testid=time-reason]").wait_for()
    assert "Fel datum?" in page.locator(f"#time-entry-{first.pk}").inner_text()
    hers.check("volunteer-time-returned")
    assert Decimal(str(TimeEntry.objects.get(pk=second.pk).hours)) == 3.5

    page = office.goto(url("timelog:kinds", organisation))
    office.check("coordinator-time-kinds")
