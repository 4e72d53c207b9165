"""Coordinators find members in the register: search, filters, protected identity, and a fast list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import MemberStatus, Payment, PledgeSignature, Role
from members.services import pledge_publish, record_check_record
from tests.conftest import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def list_url(organisation, **query):
    url = reverse("members:member_list", kwargs={"organisation": organisation.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def pay(member, year=None):
    today = timezone.localdate()
    return Payment.objects.create(
        organisation=member.organisation, member=member, year=year or today.year, amount=Decimal("200"), paid_on=today
    )


def test_coordinator_searches_by_name_and_email(coordinator_client, organisation):
    MemberFactory(organisation=organisation, first_name="Hanna", last_name="Berglund", email="hanna@exempel.se")
    MemberFactory(organisation=organisation, first_name="Ylva", last_name="Ek", email="ylva@exempel.se")
    page = coordinator_client.get(list_url(organisation, q="berglund")).content.decode()
    assert "Hanna Berglund" in page and "Ylva Ek" not in page
    page = coordinator_client.get(list_url(organisation, q="ylva@")).content.decode()
    assert "Ylva Ek" in page and "Hanna Berglund" not in page
    assert "Medlemmar" in page  # Swedish by default


def test_other_shelters_members_never_appear(coordinator_client, organisation, other_shelter_coordinator):
    page = coordinator_client.get(list_url(organisation)).content.decode()
    assert other_shelter_coordinator.full_name not in page


def test_filters_status_role_paid_and_onboarding(coordinator_client, organisation, coordinator):
    paused = MemberFactory(organisation=organisation, first_name="Paula", status=MemberStatus.PAUSED)
    paid = MemberFactory(organisation=organisation, first_name="Betty")
    pay(paid)
    pay(MemberFactory(organisation=organisation, first_name="Gammal"), year=timezone.localdate().year - 1)
    signed = MemberFactory(organisation=organisation, first_name="Signe")
    pledge = pledge_publish(organisation=organisation, text="Tystnad")
    PledgeSignature.objects.create(member=signed, pledge_text=pledge)
    checked = MemberFactory(organisation=organisation, first_name="Kontroll")
    record_check_record(member=checked, seen_on=timezone.localdate(), by=coordinator)
    expired = MemberFactory(organisation=organisation, first_name="Utgången")
    record_check_record(member=expired, seen_on=date(2020, 1, 1), valid_until=date(2022, 1, 1), by=coordinator)

    def names(**query):
        response = coordinator_client.get(list_url(organisation, **query))
        return {m.first_name for m in response.context["members"]}

    assert names(status="paused") == {paused.first_name}
    assert names(role="coordinator") == {"Cecilia"}
    assert names(paid="yes") == {"Betty"}
    assert "Gammal" in names(paid="no") and "Betty" not in names(paid="no")
    assert "Signe" not in names(onboarding="pledge_missing") and "Betty" in names(onboarding="pledge_missing")
    missing_check = names(onboarding="record_check_missing")
    assert "Utgången" in missing_check and "Kontroll" not in missing_check


def test_protected_members_contact_data_is_hidden_from_coordinators_but_shown_to_admins(
    client, organisation, coordinator, admin_member
):
    MemberFactory(
        organisation=organisation,
        first_name="Skyddad",
        email="hemlig@exempel.se",
        phone="+46709999999",
        protected_identity=True,
    )
    MemberFactory(organisation=organisation, first_name="Öppen", email="oppen@exempel.se")
    log_in(client, coordinator)
    page = client.get(list_url(organisation)).content.decode()
    assert "Skyddad" in page and "Skyddade personuppgifter" in page
    assert "hemlig@exempel.se" not in page and "709999999" not in page
    assert "oppen@exempel.se" in page
    # Searching her hidden e-mail address does not reveal who she is.
    found = client.get(list_url(organisation, q="hemlig")).content.decode()
    assert "Skyddad" not in found

    log_in(client, admin_member)
    page = client.get(list_url(organisation)).content.decode()
    assert "hemlig@exempel.se" in page


def test_unpaid_list_hides_protected_contact_data(coordinator_client, organisation):
    MemberFactory(organisation=organisation, first_name="Skyddad", email="hemlig@exempel.se", protected_identity=True)
    page = coordinator_client.get(
        reverse("members:unpaid", kwargs={"organisation": organisation.slug})
    ).content.decode()
    assert "Skyddad" in page and "hemlig@exempel.se" not in page


def _make_members(organisation, coordinator, count, pledge):
    today = timezone.localdate()
    for index in range(count):
        member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER, protected_identity=index % 3 == 0)
        if index % 2:
            pay(member)
            PledgeSignature.objects.create(member=member, pledge_text=pledge)
            record_check_record(member=member, seen_on=today - timedelta(days=10), by=coordinator)


@pytest.mark.parametrize("query", [{}, {"q": "a", "paid": "no", "onboarding": "record_check_missing"}])
def test_member_list_query_count_does_not_grow_with_members(coordinator_client, organisation, coordinator, query):
    pledge = pledge_publish(organisation=organisation, text="Tystnad")
    counts = []
    for total in (5, 40):
        _make_members(organisation, coordinator, total - organisation.members.count(), pledge)
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(list_url(organisation, **query))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    print("member list queries at 5 and 40 members:", counts)


def test_member_list_in_english(coordinator_client, organisation):
    coordinator_client.cookies["django_language"] = "en"
    page = coordinator_client.get(list_url(organisation)).content.decode()
    assert "Members" in page and "Not paid this year" in page
