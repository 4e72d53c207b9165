"""Every other page a coordinator works with passes the same checks on her laptop (axe without any violation,
no foreign host, the transfer budget), filled with a little data so tables and badges are on the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    ShiftPatternFactory,
    TrainingRecordFactory,
)
from trainings.models import Course

from .conftest import transferred_bytes


@pytest.fixture
def shelter_with_data(organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation, name="Stödtelefonen", min_volunteers=2, max_volunteers=3)
    course = Course.objects.get(organisation=organisation, name="Chattutbildning")
    line.required_courses.add(course)
    pattern = ShiftPatternFactory(line=line, anchor_date=timezone.localdate(), valid_from=timezone.localdate())
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    shifts = [ShiftFactory(line=line, starts_at=start + timedelta(days=i)) for i in range(4)]
    AssignmentFactory(shift=shifts[0], member=volunteer)
    TrainingRecordFactory(member=volunteer, course=course, completed_on=timezone.localdate())
    MemberFactory(organisation=organisation, first_name="Maja", user=None, email="maja@example.org")
    return {"line": line, "pattern": pattern, "shift": shifts[0], "volunteer": volunteer}


PAGES = [
    ("coordinator-rota-week", "shifts:rota_week", {}),
    ("coordinator-shift-create", "shifts:shift_create", {}),
    ("coordinator-shift-edit", "shifts:shift_edit", {"pk": "shift"}),
    ("coordinator-shift-cancel", "shifts:rota_cancel", {"pk": "shift"}),
    ("coordinator-line-edit", "shifts:line_edit", {"pk": "line"}),
    ("coordinator-pattern-edit", "shifts:pattern_edit", {"pk": "pattern"}),
    ("coordinator-statistics", "shifts:statistics", {}),
    ("coordinator-members", "members:member_list", {}),
    ("coordinator-member", "members:member_detail", {"pk": "volunteer"}),
    ("coordinator-member-edit", "members:member_edit", {"pk": "volunteer"}),
    ("coordinator-invite", "members:invite", {}),
    ("coordinator-unpaid", "members:unpaid", {}),
    ("coordinator-annual-meeting", "members:annual_meeting", {}),
    ("coordinator-notices", "members:notice_list", {}),
    ("coordinator-member-records", "trainings:member_records", {"member_pk": "volunteer"}),
    ("coordinator-course-new", "trainings:course_create", {}),
    ("coordinator-records-import", "trainings:import", {}),
]


@pytest.mark.parametrize(("name", "url_name", "kwargs"), PAGES, ids=[page[0] for page in PAGES])
def test_coordinator_page_passes_the_checks(
    desktop, organisation, coordinator, shelter_with_data, name, url_name, kwargs
):
    kwargs = {key: shelter_with_data[value].pk for key, value in kwargs.items()}
    visit = desktop(coordinator)
    page = visit.goto(reverse(url_name, kwargs={"organisation": organisation.slug, **kwargs}))
    assert page.get_by_role("heading", level=1).count() == 1
    visit.check(name)
    print(f"{name}: {transferred_bytes(visit.responses)} bytes (HTML+CSS+JS, gzip)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "scrolls sideways on a laptop"


PHONE_PAGES = [
    ("coordinator-rota-month", "shifts:rota_month", {}),
    ("coordinator-gaps", "shifts:rota_gaps", {}),
    ("coordinator-shift", "shifts:rota_shift", {"pk": "shift"}),
    ("coordinator-lines", "shifts:line_list", {}),
    ("coordinator-members", "members:member_list", {}),
    ("coordinator-member", "members:member_detail", {"pk": "volunteer"}),
    ("coordinator-matrix", "trainings:matrix", {}),
    ("coordinator-notices", "members:notice_list", {}),
]


@pytest.mark.parametrize(("name", "url_name", "kwargs"), PHONE_PAGES, ids=[page[0] for page in PHONE_PAGES])
def test_coordinator_main_pages_work_on_her_phone_too(
    phone, organisation, coordinator, shelter_with_data, name, url_name, kwargs
):
    """An evening gap is often filled from the sofa: her main pages pass the same checks at 360×740, tables
    included (they scroll inside their own box, never the page)."""
    kwargs = {key: shelter_with_data[value].pk for key, value in kwargs.items()}
    visit = phone(coordinator)
    page = visit.goto(reverse(url_name, kwargs={"organisation": organisation.slug, **kwargs}))
    assert page.get_by_role("heading", level=1).count() == 1
    visit.check(name)
