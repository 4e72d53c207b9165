"""A coordinator's member page: her history, edit, invite, leave, and the forms for onboarding and fees."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Interview, MemberStatus, Payment, RecordCheck, Role
from members.services import pledge_publish, pledge_sign
from notices.models import Notice
from tests.conftest import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def url(name, member, **kwargs):
    return reverse(f"members:{name}", kwargs={"organisation": member.organisation.slug, "pk": member.pk, **kwargs})


def test_member_page_shows_her_history(coordinator_client, volunteer, coordinator, organisation):
    pledge = pledge_publish(organisation=organisation, text="Tystnad")
    pledge_sign(member=volunteer, pledge_text=pledge)
    Interview.objects.create(member=volunteer, held_on=date(2025, 2, 3), recorded_by=coordinator)
    page = coordinator_client.get(url("member_detail", volunteer)).content.decode()
    assert "2025-02-03" in page
    assert "Version 1" in page
    assert "Tystnadslöfte" in page


def test_recording_interview_record_check_and_payment(coordinator_client, volunteer, coordinator):
    today = timezone.localdate()
    response = coordinator_client.post(url("interview_add", volunteer), {"held_on": today.isoformat()})
    assert response.status_code == 302
    assert Interview.objects.get(member=volunteer).recorded_by == coordinator
    coordinator_client.post(url("record_check_add", volunteer), {"seen_on": "2025-04-01"})
    check = RecordCheck.objects.get(member=volunteer)
    assert check.valid_until == date(2027, 4, 1) and check.seen_by == coordinator
    coordinator_client.post(
        url("payment_add", volunteer),
        {"year": today.year, "amount": "200", "paid_on": today.isoformat(), "method": "swish", "reference": ""},
    )
    assert Payment.objects.get(member=volunteer).amount == 200


def test_bad_input_gets_a_swedish_error_and_nothing_is_written(coordinator_client, volunteer):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = coordinator_client.post(url("interview_add", volunteer), {"held_on": tomorrow})
    assert response.status_code == 200
    assert "Datumet kan inte vara i framtiden." in response.content.decode()
    response = coordinator_client.post(
        url("record_check_add", volunteer), {"seen_on": "2025-04-01", "valid_until": "2025-03-01"}
    )
    assert "Giltig till måste vara efter datumet då det visades." in response.content.decode()
    response = coordinator_client.post(
        url("payment_add", volunteer), {"year": "tjugo", "amount": "-5", "paid_on": "igår", "method": "guld"}
    )
    assert "Fyll i ett heltal." in response.content.decode()
    assert not Interview.objects.exists() and not RecordCheck.objects.exists() and not Payment.objects.exists()


def test_coordinator_edits_a_member_but_not_her_role(coordinator_client, volunteer):
    response = coordinator_client.get(url("member_edit", volunteer))
    assert "role" not in response.context["form"].fields
    response = coordinator_client.post(
        url("member_edit", volunteer),
        {
            "first_name": "Vera",
            "last_name": "Nyberg",
            "email": volunteer.email,
            "phone": "0701234567",
            "postal_address": "",
            "language": "sv",
            "membership_type": "supporting",
            "status": "paused",
            "notes": "Pausar över sommaren",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.last_name == "Nyberg" and volunteer.status == MemberStatus.PAUSED
    assert volunteer.status_changed_on == timezone.localdate()
    assert volunteer.role == Role.VOLUNTEER


def test_edit_with_a_taken_email_shows_an_error(coordinator_client, organisation, coordinator):
    volunteer = MemberFactory(organisation=organisation, user=None, email="vera@example.org")
    response = coordinator_client.post(
        url("member_edit", volunteer),
        {
            "first_name": "Vera",
            "email": coordinator.email,
            "language": "sv",
            "membership_type": "full",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "finns redan" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.email != coordinator.email


def test_coordinator_does_not_see_a_protected_members_contact_data_on_her_page(
    client, organisation, coordinator, admin_member
):
    protected = MemberFactory(
        organisation=organisation, email="hemlig@exempel.se", phone="+46709999999", protected_identity=True
    )
    log_in(client, coordinator)
    page = client.get(url("member_detail", protected)).content.decode()
    assert "hemlig@exempel.se" not in page and "709999999" not in page
    form = client.get(url("member_edit", protected)).context["form"]
    assert "email" not in form.fields and "phone" not in form.fields
    assert "protected_identity" not in form.fields  # she cannot lift it to see the data
    log_in(client, admin_member)
    page = client.get(url("member_detail", protected)).content.decode()
    assert "hemlig@exempel.se" in page


def test_invite_existing_member_and_mark_as_left(coordinator_client, organisation):
    member = MemberFactory(organisation=organisation, user=None, email="ny@exempel.se")
    coordinator_client.post(url("member_invite_existing", member))
    member.refresh_from_db()
    assert member.user is not None
    assert Notice.objects.filter(recipient=member, kind="invitation").exists()
    coordinator_client.post(url("member_leave", member))
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT and member.left_on == timezone.localdate()


def test_a_member_who_has_not_left_cannot_be_erased(coordinator_client, volunteer):
    response = coordinator_client.post(url("member_erase", volunteer), follow=True)
    assert (
        "Bara en medlem med status Avslutad kan raderas. Avsluta hennes medlemskap först." in response.content.decode()
    )
    volunteer.refresh_from_db()
    assert volunteer.erased_at is None


def test_another_shelters_member_is_not_found(coordinator_client, other_shelter_coordinator, organisation):
    response = coordinator_client.get(
        reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": other_shelter_coordinator.pk})
    )
    assert response.status_code == 404


def test_member_page_in_english(coordinator_client, volunteer):
    coordinator_client.cookies["django_language"] = "en"
    page = coordinator_client.get(url("member_detail", volunteer)).content.decode()
    assert "Confidentiality pledge" in page and "Record interview" in page
