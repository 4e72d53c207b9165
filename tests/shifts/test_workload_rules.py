"""The shelter's workload rules (issue 17): set by its admins on a page coordinators may only read; each rule
refuses a volunteer with its code and a coordinator may override it with a reason, like the other rules; the
portal's and the coordinator's pages read as many queries for a big shelter as for a small one with every rule on."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks._density_seed import seed_density
from shifts.models import Assignment, WorkloadRules
from shifts.rules import Code
from shifts.services import SignupRefused, coordinator_assign, shift_sign_up
from tests.conftest import log_in
from tests.factories import (
    NOW,
    AbsenceFactory,
    AssignmentFactory,
    LineFactory,
    ShiftFactory,
    WishesFactory,
    WorkloadRulesFactory,
)

pytestmark = pytest.mark.django_db

EVERY_RULE = {
    "max_per_week": "2",
    "max_per_month": "6",
    "rest_hours_after_night": "11",
    "no_back_to_back": "on",
    "enforce_own_limits": "on",
}


def rules_url(organisation):
    return reverse("shifts:workload_rules", kwargs={"organisation": organisation.slug})


# -- the page --------------------------------------------------------------------------------------------------


def test_an_admin_sets_the_workload_rules(admin_client_member, organisation):
    page = admin_client_member.get(rules_url(organisation)).content.decode()
    assert "Regler för arbetsbelastning" in page and "Spara" in page
    response = admin_client_member.post(rules_url(organisation), EVERY_RULE)
    assert response.status_code == 302
    saved = WorkloadRules.objects.get(organisation=organisation)
    assert (saved.max_per_week, saved.max_per_month, saved.rest_hours_after_night) == (2, 6, 11)
    assert saved.no_back_to_back and saved.enforce_own_limits
    admin_client_member.post(rules_url(organisation), {"max_per_week": "", "max_per_month": "3"})  # blank: no limit
    saved.refresh_from_db()
    assert (saved.max_per_week, saved.max_per_month, saved.no_back_to_back) == (None, 3, False)


def test_bad_values_get_a_swedish_message_and_change_nothing(admin_client_member, organisation):
    for field, value in (("max_per_week", "0"), ("rest_hours_after_night", "73"), ("max_per_month", "x")):
        response = admin_client_member.post(rules_url(organisation), {**EVERY_RULE, field: value})
        assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert not WorkloadRules.objects.exists()


def test_coordinators_only_read_the_rules_and_volunteers_not_at_all(coordinator_client, volunteer, organisation):
    WorkloadRulesFactory(organisation=organisation, max_per_week=2)
    page = coordinator_client.get(rules_url(organisation)).content.decode()
    assert "Bara en administratör kan ändra de här reglerna." in page and "disabled" in page
    assert 'type="submit"' not in page.split("<main", 1)[1].split("</form>", 1)[0]
    assert coordinator_client.post(rules_url(organisation), {**EVERY_RULE, "max_per_week": "9"}).status_code == 403
    assert log_in(Client(), volunteer).get(rules_url(organisation)).status_code == 403
    assert WorkloadRules.objects.get().max_per_week == 2


# -- each rule refuses, and the coordinator overrides it with a reason ---------------------------------------


def _weekly(organisation, line, member):
    WorkloadRulesFactory(organisation=organisation, max_per_week=1)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 9, 20)), member=member)
    return ShiftFactory(
        line=line, local_start=datetime(2026, 3, 11, 20)
    ), "Hon har redan jourens gräns på 1 pass den veckan."


def _monthly(organisation, line, member):
    WorkloadRulesFactory(organisation=organisation, max_per_month=1)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 4, 20)), member=member)
    return ShiftFactory(
        line=line, local_start=datetime(2026, 3, 30, 20)
    ), "Hon har redan jourens gräns på 1 pass den månaden."


def _own(organisation, line, member):
    WorkloadRulesFactory(organisation=organisation, enforce_own_limits=True)
    WishesFactory(member=member, max_per_month=1)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 4, 20)), member=member)
    return ShiftFactory(line=line, local_start=datetime(2026, 3, 30, 20)), "Hon har bett om högst 1 pass i månaden."


def _rest(organisation, line, member):
    WorkloadRulesFactory(organisation=organisation, rest_hours_after_night=11)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 9, 23), hours=4), member=member)
    return ShiftFactory(
        line=line, local_start=datetime(2026, 3, 10, 9)
    ), "Hon behöver 11 timmars vila efter ett nattpass."


def _back_to_back(organisation, line, member):
    WorkloadRulesFactory(organisation=organisation, no_back_to_back=True)
    other = LineFactory(organisation=organisation)
    AssignmentFactory(shift=ShiftFactory(line=other, local_start=datetime(2026, 3, 10, 17)), member=member)
    return (
        ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 20)),
        "Passet ligger direkt före eller efter ett annat av hennes pass.",
    )


def _away(organisation, line, member):
    shift = ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 20))
    AbsenceFactory(member=member, starts_on=shift.local_date(), ends_on=shift.local_date())
    return shift, "Hon är borta då."


CASES = {
    Code.WEEKLY_LIMIT: _weekly,
    Code.MONTHLY_LIMIT: _monthly,
    Code.OWN_LIMIT: _own,
    Code.REST_AFTER_NIGHT: _rest,
    Code.BACK_TO_BACK: _back_to_back,
    Code.AWAY: _away,
}


@pytest.mark.parametrize("code", list(CASES))
def test_the_rule_refuses_her_and_the_coordinator_overrides_it_with_a_reason(
    organisation, volunteer, coordinator, code
):
    line = LineFactory(organisation=organisation)
    shift, about_her = CASES[code](organisation, line, volunteer)
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=shift, member=volunteer, now=NOW)
    assert [refusal.code for refusal in refused.value.refusals] == [code]
    with pytest.raises(SignupRefused) as warned:
        coordinator_assign(shift=shift, member=volunteer, by=coordinator, now=NOW)
    assert [refusal.to_coordinator for refusal in warned.value.refusals] == [about_her]
    with pytest.raises(SignupRefused) as no_reason:
        coordinator_assign(shift=shift, member=volunteer, by=coordinator, override=True, reason=" ", now=NOW)
    assert [refusal.code for refusal in no_reason.value.refusals] == [Code.OVERRIDE_NEEDS_REASON]
    assignment = coordinator_assign(
        shift=shift, member=volunteer, by=coordinator, override=True, reason="Hon har själv bett om det", now=NOW
    )
    assert assignment.overridden_by == coordinator
    assert assignment.override_reason == f"Hon har själv bett om det\n{about_her}"
    assert Assignment.objects.filter(shift=shift, member=volunteer).count() == 1


def test_the_coordinators_assign_form_shows_the_rule_as_a_warning(coordinator_client, organisation, volunteer):
    line = LineFactory(organisation=organisation)
    shift, about_her = _weekly(organisation, line, volunteer)
    shift_url = reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": shift.pk})
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        page = coordinator_client.get(f"{shift_url}?pick={volunteer.pk}").content.decode()
    assert about_her in page and "Tilldela ändå" in page


# -- query counts with every rule on ------------------------------------------------------------------------------

SMALL = {"lines": 1, "volunteers": 12, "days": 3, "slug": "workload-small"}
LARGE = {"lines": 5, "volunteers": 40, "days": 10, "slug": "workload-large"}


def _with_every_rule(seeded):
    WorkloadRulesFactory(
        organisation=seeded.organisation,
        max_per_week=3,
        max_per_month=8,
        rest_hours_after_night=11,
        no_back_to_back=True,
        enforce_own_limits=True,
    )
    members = list(seeded.organisation.members.all())
    for i, member in enumerate(members):
        WishesFactory(member=member, max_per_week=2, max_per_month=6)
        if i % 3 == 0:
            start = seeded.gap_shift.local_date() + timedelta(days=i % 2)
            AbsenceFactory(member=member, starts_on=start, ends_on=start + timedelta(days=1))
    return seeded


@pytest.mark.parametrize("page", ["shifts:portal_open", "shifts:rota_shift"])
def test_the_pages_read_as_many_queries_for_a_big_shelter_with_every_rule_on(page, django_assert_num_queries):
    small, large = _with_every_rule(seed_density(**SMALL)), _with_every_rule(seed_density(**LARGE))

    def visit(seeded) -> tuple[Client, str]:
        kwargs: dict = {"organisation": seeded.organisation.slug}
        if page == "shifts:rota_shift":
            kwargs["pk"] = seeded.gap_shift.pk
        who = seeded.coordinator if page == "shifts:rota_shift" else seeded.volunteer
        return log_in(Client(), who), reverse(page, kwargs=kwargs)

    (small_client, small_url), (large_client, large_url) = visit(small), visit(large)
    assert small_client.get(small_url).status_code == 200 and large_client.get(large_url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert small_client.get(small_url).status_code == 200
    with django_assert_num_queries(len(queries)):
        assert large_client.get(large_url).status_code == 200
