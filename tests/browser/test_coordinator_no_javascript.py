"""The coordinator's in-place (htmx) actions on a shift — assign, the rule warning, assign anyway, remove —
work in the browser without a page load, and the same actions work with JavaScript off as plain POSTs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts.models import Assignment
from tests.factories import LineFactory, ShiftFactory
from trainings.models import Course

from .coordinator_steps import field


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_assign_over_a_rule_and_remove_on_the_shift_page(desktop, organisation, coordinator, volunteer, javascript):
    line = LineFactory(organisation=organisation, name="Chatten", min_volunteers=2, max_volunteers=2)
    line.required_courses.add(Course.objects.get(organisation=organisation, name="Chattutbildning"))
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    shift = ShiftFactory(line=line, starts_at=starts)
    slug = organisation.slug
    size = "js" if javascript else "nojs"
    visit = desktop(coordinator, javascript=javascript)
    page = visit.goto(reverse("shifts:rota_shift", kwargs={"organisation": slug, "pk": shift.pk}))
    visit.check(f"coordinator-shift-{size}")
    # A mark on the window survives an htmx swap and is gone after a page load.
    htmx_requests = []
    page.on("request", lambda request: request.headers.get("hx-request") and htmx_requests.append(request.url))
    if javascript:
        page.evaluate("window.stillTheSamePage = true")

    # She lacks the course, so she is not among those offered: the coordinator finds her by name and picks her.
    field(page, "Sök någon annan med namn").fill(volunteer.first_name)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name=f"Välj {volunteer.first_name}").click()
    warning = page.get_by_role("alert")
    warning.wait_for()
    assert "Chattutbildning" in warning.inner_text()
    assert not Assignment.objects.filter(member=volunteer).exists()
    visit.check(f"coordinator-shift-warning-{size}")

    field(page, "skäl till att gå förbi reglerna").fill("Kursen är gjord, intyget kommer.")
    page.get_by_role("button", name="Tilldela ändå").click()
    page.get_by_role("status").filter(has_text="är med på passet").wait_for()
    assert page.get_by_text("Regel åsidosatt").count() == 1
    assert Assignment.objects.get(member=volunteer).overridden_by_id == coordinator.pk
    visit.check(f"coordinator-shift-assigned-{size}")

    page.get_by_role("button", name=f"Ta bort {volunteer.first_name}").click()
    page.get_by_role("status").filter(has_text="är inte längre med på passet").wait_for()
    assert page.get_by_text("Ingen är med på passet än.").count() == 1
    assert not Assignment.objects.filter(member=volunteer).active().exists()
    visit.check(f"coordinator-shift-removed-{size}")

    if javascript:
        assert page.evaluate("window.stillTheSamePage") is True, "htmx should not have loaded a new page"
        assert len(htmx_requests) >= 3
    else:
        assert htmx_requests == []
