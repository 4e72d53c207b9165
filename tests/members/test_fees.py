"""The board's fee pages: who has not paid, the annual-meeting list (page and CSV), fee rates, pledge texts."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from members.models import FeeRate, MemberStatus, Payment, PledgeText
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def url(name, organisation):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


@pytest.fixture
def paid_and_unpaid(organisation):
    today = timezone.localdate()
    paid = MemberFactory(
        organisation=organisation, first_name="Betalt", last_name="Andersson", email="betalt@exempel.se"
    )
    Payment.objects.create(
        organisation=organisation, member=paid, year=today.year, amount=Decimal("200"), paid_on=today
    )
    unpaid = MemberFactory(organisation=organisation, first_name="Obetalt", last_name="Berg")
    Payment.objects.create(
        organisation=organisation, member=unpaid, year=today.year - 1, amount=Decimal("200"), paid_on=today
    )
    gone = MemberFactory(organisation=organisation, first_name="Slutat", status=MemberStatus.LEFT)
    return paid, unpaid, gone


def test_unpaid_list(coordinator_client, organisation, paid_and_unpaid):
    page = coordinator_client.get(url("unpaid", organisation)).content.decode()
    assert "Obetalt Berg" in page and "Betalt Andersson" not in page and "Slutat" not in page
    assert "Inte betalt" in page


def test_annual_meeting_list_page_and_csv(coordinator_client, coordinator, organisation, paid_and_unpaid):
    page = coordinator_client.get(url("annual_meeting", organisation)).content.decode()
    assert "Andersson, Betalt" in page and "Obetalt" not in page
    assert "Röstlängd" in page
    response = coordinator_client.get(url("annual_meeting_csv", organisation))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Andersson;Betalt" in text and "Obetalt" not in text
    assert "betalt@exempel.se" not in text  # no contact data in the list
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == coordinator.user and entry.additional_data["export"] == "annual_meeting_csv"


def test_admin_sets_fee_rates_with_swedish_errors(admin_client_member, organisation):
    year = timezone.localdate().year
    response = admin_client_member.post(
        url("fee_rates", organisation), {"year": year, "membership_type": "full", "amount": "-1"}
    )
    assert response.status_code == 200
    assert "större än eller lika med 0" in response.content.decode()
    assert not FeeRate.objects.exists()
    admin_client_member.post(
        url("fee_rates", organisation), {"year": year, "membership_type": "supporting", "amount": "150"}
    )
    assert FeeRate.objects.get(organisation=organisation, year=year).amount == Decimal("150")
    assert "Stödmedlem" in admin_client_member.get(url("fee_rates", organisation)).content.decode()


def test_admin_publishes_pledge_versions(admin_client_member, organisation):
    response = admin_client_member.post(url("pledge_texts", organisation), {"text": "   "})
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    admin_client_member.post(url("pledge_texts", organisation), {"text": "Version ett"})
    response = admin_client_member.post(url("pledge_texts", organisation), {"text": "Version två"}, follow=True)
    assert list(PledgeText.objects.filter(organisation=organisation).values_list("version", flat=True)) == [2, 1]
    assert "måste skriva under" in response.content.decode()


def test_fee_pages_in_english(admin_client_member, organisation):
    admin_client_member.cookies["django_language"] = "en"
    assert "Set a fee" in admin_client_member.get(url("fee_rates", organisation)).content.decode()
