"""The volunteer's main pages also pass the page checks on a laptop (and leave a screenshot at that size)."""

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory

from .volunteer_steps import evening_shifts, phone_line, portal_url, publish_pledge, sign_pledge

PAGES = [
    ("members:portal", "volunteer-portal"),
    ("shifts:portal_open", "volunteer-open-shifts"),
    ("shifts:portal_mine", "volunteer-my-shifts"),
    ("trainings:mine", "volunteer-trainings"),
    ("shifts:calendar", "volunteer-calendar"),
    ("members:pledge", "volunteer-pledge"),
    ("members:profile", "volunteer-profile"),
    ("members:my_data", "volunteer-my-data"),
]


@pytest.fixture
def her_rota(organisation, volunteer):
    sign_pledge(volunteer, publish_pledge(organisation))
    shifts = evening_shifts(phone_line(organisation), 6)
    AssignmentFactory(shift=shifts[0], member=volunteer, created_at=timezone.now())
    return shifts


def test_her_pages_pass_the_checks_on_a_laptop(desktop, organisation, volunteer, her_rota):
    visit = desktop(volunteer)
    for name, screenshot in PAGES:
        page = visit.goto(portal_url(organisation, name))
        assert page.get_by_role("heading", level=1).count() == 1
        visit.check(screenshot)
