"""Anonymous federation figures: an admin sees exactly what leaves the shelter, shares it, withdraws it; the
operator sees shelters that shared only, small counts as "<5", and no total that gives a hidden one away."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from reports.federation import FIGURE_KEYS, annual_figures, federation_table, fingerprint
from reports.models import FigureShare
from reports.services import ShareRefused, figure_share, figure_share_withdraw
from tests.conftest import log_in
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

from .factories import FigureShareFactory, ReportTimeEntryFactory, figures
from .scenarios import seed_march

pytestmark = pytest.mark.django_db
YEAR = 2026


def share_url(organisation):
    return reverse("reports:share", kwargs={"organisation": organisation.slug})


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def last_year_seeded(organisation, time_machine):
    time_machine.move_to("2027-02-01 12:00Z")
    seed_march(organisation)


def test_the_admin_sees_exactly_what_will_be_shared_then_shares_it(
    client, organisation, admin_member, last_year_seeded
):
    log_in(client, admin_member)
    page = client.get(share_url(organisation) + f"?year={YEAR}")
    assert page.status_code == 200
    expected = annual_figures(organisation, YEAR, timezone.now())
    assert expected["shift_hours"] == 16 and expected["active_volunteers"] == 4  # 16 h shifts (+ April's 3 h)
    shown = dict(page.context["figures"])
    assert sorted(shown.values()) == sorted([*expected.values(), expected["shift_hours"] + expected["other_hours"]])
    response = client.post(share_url(organisation), {"year": YEAR, "seen": page.context["seen"]})
    assert response.status_code == 302
    share = FigureShare.objects.get(organisation=organisation, year=YEAR)
    assert share.figures == expected and share.shared_by == admin_member and share.withdrawn_at is None
    # Nothing personal in the snapshot: whole numbers under the fixed keys only.
    assert set(share.figures) == set(FIGURE_KEYS) and all(type(value) is int for value in share.figures.values())
    assert LogEntry.objects.get_for_object(share).filter(action=LogEntry.Action.CREATE).exists()
    assert any((entry.additional_data or {}).get("export") == "federation_figures" for entry in LogEntry.objects.all())


def test_figures_that_changed_since_the_page_was_shown_are_not_shared(organisation, admin_member, last_year_seeded):
    stale = fingerprint(annual_figures(organisation, YEAR, timezone.now()))
    ReportTimeEntryFactory(member=admin_member, day=date(YEAR, 5, 1), hours=10)  # more hours approved meanwhile
    with pytest.raises(ShareRefused):
        figure_share(member=admin_member, year=YEAR, seen=stale)
    assert not FigureShare.objects.exists()


def test_a_year_still_running_cannot_be_shared(client, organisation, admin_member):
    this_year = timezone.localdate().year
    seen = fingerprint(annual_figures(organisation, this_year, timezone.now()))
    with pytest.raises(ShareRefused):
        figure_share(member=admin_member, year=this_year, seen=seen)
    response = log_in(client, admin_member).post(share_url(organisation), {"year": this_year, "seen": seen})
    assert response.status_code == 302 and not FigureShare.objects.exists()


@pytest.mark.parametrize("year", ["", "abc", "99999", "-1", "²⁰²⁵"])
def test_a_bad_year_is_refused_without_an_error(client, organisation, admin_member, year):
    response = log_in(client, admin_member).post(share_url(organisation), {"year": year, "seen": "x"})
    assert response.status_code == 302 and not FigureShare.objects.exists()


def test_a_coordinator_cannot_share_or_withdraw(client, organisation, coordinator, admin_member):
    share = FigureShareFactory(organisation=organisation)
    with pytest.raises(ShareRefused):
        figure_share(member=coordinator, year=2025, seen="")
    with pytest.raises(ShareRefused):
        figure_share_withdraw(member=coordinator, share=share)
    log_in(client, coordinator)
    assert client.post(share_url(organisation), {"year": 2025, "seen": ""}).status_code == 404
    withdraw = reverse("reports:share_withdraw", kwargs={"organisation": organisation.slug, "pk": share.pk})
    assert client.post(withdraw).status_code == 404
    share.refresh_from_db()
    assert share.withdrawn_at is None


def test_sharing_again_replaces_and_withdrawing_hides_it_from_the_federation(
    client, organisation, admin_member, operator, last_year_seeded
):
    seen = fingerprint(annual_figures(organisation, YEAR, timezone.now()))
    first = figure_share(member=admin_member, year=YEAR, seen=seen)
    second = figure_share(member=admin_member, year=YEAR, seen=seen)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert [row.name for row in federation_table(YEAR).rows] == [organisation.name]
    log_in(client, admin_member)
    withdraw = reverse("reports:share_withdraw", kwargs={"organisation": organisation.slug, "pk": second.pk})
    assert client.post(withdraw).status_code == 302
    second.refresh_from_db()
    assert second.withdrawn_by == admin_member
    assert federation_table(YEAR).rows == []
    assert LogEntry.objects.get_for_object(second).filter(action=LogEntry.Action.UPDATE).exists()


def test_another_shelters_share_cannot_be_withdrawn(client, organisation, admin_member, other_organisation):
    theirs = FigureShareFactory(organisation=other_organisation)
    withdraw = reverse("reports:share_withdraw", kwargs={"organisation": organisation.slug, "pk": theirs.pk})
    assert log_in(client, admin_member).post(withdraw).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def federation_page(client, year=2025):
    return client.get(reverse("federation_figures:figures") + f"?year={year}")


def test_the_operator_sees_only_shelters_that_shared(client, operator):
    shared = FigureShareFactory(organisation=OrganisationFactory(name="Jouren som delade"))
    OrganisationFactory(name="Jouren som inte delade")
    FigureShareFactory(organisation=OrganisationFactory(name="Jouren som drog tillbaka"), withdrawn_at=timezone.now())
    FigureShareFactory(organisation=OrganisationFactory(name="Jouren med annat år"), year=2024)
    page = federation_page(log_in(client, operator)).content.decode()
    assert shared.organisation.name in page
    for absent in ("Jouren som inte delade", "Jouren som drog tillbaka", "Jouren med annat år"):
        assert absent not in page


def test_small_counts_show_as_under_five_and_totals_do_not_give_them_away(client, operator):
    FigureShareFactory(organisation=OrganisationFactory(name="A-jouren"), figures=figures(new_volunteers=2))
    FigureShareFactory(organisation=OrganisationFactory(name="B-jouren"), figures=figures(new_volunteers=30))
    FigureShareFactory(organisation=OrganisationFactory(name="C-jouren"), figures=figures(new_volunteers=40))
    table = federation_page(log_in(client, operator)).context["table"]
    new = [row.counts[3] for row in table.rows]
    assert new[0] == "<5"
    # Total 72 minus 30 and 40 would give 2: a second shelter's figure (the smaller, 30) is hidden too.
    assert new.count("<5") >= 2 or table.counts_total[3] == "<5"
    shown = [int(value) for value in new if value != "<5"]
    if table.counts_total[3] != "<5":
        assert len(new) - len(shown) >= 2


def test_every_figure_below_five_is_hidden_on_the_page(client, operator):
    FigureShareFactory(
        organisation=OrganisationFactory(name="Lilla jouren"),
        figures=dict.fromkeys(FIGURE_KEYS, 4),
    )
    page = federation_page(log_in(client, operator))
    table = page.context["table"]
    assert all(value == "<5" for value in [*table.rows[0].hours[:2], *table.rows[0].counts])
    assert all(value == "<5" for value in [*table.hours_total[:2], *table.counts_total])
    # 4 + 4 hours make 8: shown, since it gives away neither of the two (each stays "<5").
    assert table.rows[0].hours[2] == "8" and table.hours_total[2] == "8"
    html = page.content.decode()
    assert "&lt;5" in html and ">4<" not in html


def test_no_name_of_a_person_reaches_the_federation(client, organisation, admin_member, operator, last_year_seeded):
    admin_member.first_name, admin_member.last_name = "Hemliga", "Personen"
    admin_member.save()
    figure_share(member=admin_member, year=YEAR, seen=fingerprint(annual_figures(organisation, YEAR, timezone.now())))
    html = federation_page(log_in(client, operator), YEAR).content.decode()
    assert organisation.name in html and "Hemliga" not in html and "Personen" not in html
    assert "Telefon" not in html and "Stödperson" not in html  # nor the shelter's own names of lines and kinds


def test_only_the_operator_sees_the_federation_figures(client, organisation):
    FigureShareFactory(organisation=organisation)
    for role in (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN):
        member = MemberFactory(organisation=organisation, role=role)
        client.logout()
        assert federation_page(log_in(client, member)).status_code == 404
    client.logout()
    response = federation_page(client)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_federation_page_reads_a_fixed_number_of_queries(client, operator):
    log_in(client, operator)
    federation_page(client)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert federation_page(client).status_code == 200
        return len(captured)

    FigureShareFactory()
    small = queries()
    for _ in range(15):
        FigureShareFactory()
    assert queries() == small


def test_the_share_page_reads_a_fixed_number_of_queries(client, organisation, admin_member, last_year_seeded):
    log_in(client, admin_member)
    client.get(share_url(organisation))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(share_url(organisation) + f"?year={YEAR}").status_code == 200
        return len(captured)

    small = queries()
    for year in range(2016, 2026):
        FigureShareFactory(organisation=organisation, year=year, shared_by=admin_member)
    for day in range(1, 20):
        ReportTimeEntryFactory(member=MemberFactory(organisation=organisation), day=date(YEAR, 5, day))
    assert queries() == small


def test_the_year_param_is_tolerant(client, operator):
    log_in(client, operator)
    for query in ("?year=abc", "?year=99999", "?year=", "?year=²⁰²⁵"):
        assert client.get(reverse("federation_figures:figures") + query).status_code == 200
    assert timezone.localdate().year - 1 == client.get(reverse("federation_figures:figures")).context["year"]
