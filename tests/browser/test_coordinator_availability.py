"""Issue 17 for staff: a coordinator marks a volunteer away from the member's page (on a phone, where she often
is), and an admin sets the shelter's workload rules; both pages pass the harness's checks."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from members.models import Role
from shifts.models import Absence, WorkloadRules
from tests.factories import MemberFactory


def test_a_coordinator_marks_a_volunteer_away_from_her_member_page(phone, organisation, volunteer):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")
    visit = phone(coordinator)
    page = visit.goto(reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": volunteer.pk}))
    page.get_by_role("link", name="Frånvaro och önskemål").click()
    page.get_by_role("heading", name=f"Frånvaro: {volunteer.full_name}").wait_for()
    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Första dagen borta").fill(day.isoformat())
    page.get_by_label("Sista dagen borta").fill(day.isoformat())
    page.get_by_role("button", name="Markera henne som borta").click()
    page.get_by_text("Vera är markerad som borta.").wait_for()
    assert Absence.objects.get().created_by == coordinator
    visit.check("coordinator-member-absence")


def test_an_admin_sets_the_workload_rules(desktop, organisation, admin_member):
    visit = desktop(admin_member)
    page = visit.goto(reverse("shifts:line_list", kwargs={"organisation": organisation.slug}))
    page.get_by_role("link", name="Regler för arbetsbelastning").click()
    page.get_by_label("Högst antal pass i veckan").fill("3")
    page.get_by_label("Vila efter ett nattpass (timmar)").fill("11")
    page.get_by_label("Inga pass direkt efter varandra").check()
    visit.check("admin-workload-rules")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Reglerna för arbetsbelastning är sparade.").wait_for()
    rules = WorkloadRules.objects.get(organisation=organisation)
    assert (rules.max_per_week, rules.rest_hours_after_night, rules.no_back_to_back) == (3, 11, True)
