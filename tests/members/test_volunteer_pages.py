"""A volunteer's own pages: profile, sharing choice, the pledge, and downloading her data."""

import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from members.models import Role
from members.services import pledge_publish
from tests.factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db


def url(name, organisation):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


def test_volunteer_edits_her_contact_data_and_sharing_choice(volunteer_client, volunteer, organisation):
    page = volunteer_client.get(url("profile", organisation)).content.decode()
    assert "Min profil" in page
    response = volunteer_client.post(
        url("profile", organisation),
        {
            "email": "vera.ny@exempel.se",
            "phone": "070-111 22 33",
            "postal_address": "Storgatan 1",
            "language": "en",
            "share_phone": "on",
            "role": "admin",
            "status": "left",
            "notes": "hej",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    # Her address is her login's: a posted e-mail changes nothing here (Account → E-mail, with verification).
    assert volunteer.email == volunteer.user.email != "vera.ny@exempel.se" and str(volunteer.phone) == "+46701112233"
    assert volunteer.share_phone is True
    assert volunteer.role == Role.VOLUNTEER and volunteer.status == "active" and volunteer.notes == ""


def test_a_bad_phone_number_gets_a_swedish_error(volunteer_client, volunteer, organisation):
    response = volunteer_client.post(
        url("profile", organisation), {"email": volunteer.email, "phone": "abc", "language": "sv"}
    )
    assert response.status_code == 200
    assert "telefonnummer" in response.content.decode()


def test_volunteer_signs_the_current_pledge(volunteer_client, volunteer, organisation):
    page = volunteer_client.get(url("pledge", organisation)).content.decode()
    assert "inte publicerat" in page
    pledge = pledge_publish(organisation=organisation, text="Jag lovar att tiga.")
    page = volunteer_client.get(url("pledge", organisation)).content.decode()
    assert "Jag lovar att tiga." in page
    volunteer_client.post(url("pledge", organisation), {"pledge_text": pledge.pk})
    assert volunteer.pledge_signatures.get().pledge_text == pledge
    page = volunteer_client.get(url("pledge", organisation)).content.decode()
    assert "Du skrev under" in page
    newer = pledge_publish(organisation=organisation, text="Ny text.")
    response = volunteer_client.post(url("pledge", organisation), {"pledge_text": pledge.pk}, follow=True)
    assert "inte det gällande" in response.content.decode()
    volunteer_client.post(url("pledge", organisation), {"pledge_text": newer.pk})
    assert volunteer.pledge_signatures.count() == 2


def test_download_my_data_as_json_and_page_is_audited(volunteer_client, volunteer, organisation):
    response = volunteer_client.get(url("my_data_json", organisation))
    data = json.loads(response.content)
    assert data["profile"]["first_name"] == "Vera"
    assert data["profile"]["email"] == volunteer.email
    assert {"onboarding", "payments", "notices", "audit_log"} <= set(data)
    page = volunteer_client.get(url("my_data", organisation)).content.decode()
    assert "Mina uppgifter" in page and volunteer.email in page
    exports = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(volunteer.pk))
    assert exports.count() == 2
    assert all(entry.actor == volunteer.user for entry in exports)


def export_test_section(member):
    """An export section as another app lists it in settings.GDPR_EXPORT_SECTIONS."""
    return [{"shift": "x", "member": member.pk}]


def test_listed_export_sections_are_included_named_after_their_app(volunteer, settings):
    from members import gdpr

    settings.GDPR_EXPORT_SECTIONS = (*settings.GDPR_EXPORT_SECTIONS, f"{__name__}.export_test_section")
    export = gdpr.member_export(volunteer)
    assert export["tests"] == [{"shift": "x", "member": volunteer.pk}]
    assert "shifts" in export and "trainings" in export


def test_profile_in_english(volunteer_client, organisation):
    volunteer_client.cookies["django_language"] = "en"
    page = volunteer_client.get(url("profile", organisation)).content.decode()
    assert "My profile" in page


def test_portal_asks_her_to_sign_a_new_pledge(volunteer_client, volunteer, organisation):
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    assert "Läs och skriv under" not in volunteer_client.get(portal).content.decode()
    pledge = pledge_publish(organisation=organisation, text="Ett")
    assert "Läs och skriv under" in volunteer_client.get(portal).content.decode()
    volunteer_client.post(url("pledge", organisation), {"pledge_text": pledge.pk})
    assert "Läs och skriv under" not in volunteer_client.get(portal).content.decode()


def test_my_data_shows_stored_codes_in_words_and_the_download_keeps_the_codes(
    volunteer_client, volunteer, organisation
):
    from datetime import date

    from members.models import Payment, PaymentMethod
    from trainings.models import Course, RecordSource

    Payment.objects.create(
        organisation=organisation, member=volunteer, year=2026, amount=200, paid_on=date(2026, 3, 1),
        method=PaymentMethod.BANKGIRO,
    )  # fmt: skip
    course = Course.objects.filter(organisation=organisation).first()
    TrainingRecordFactory(member=volunteer, course=course, completed_on=date(2026, 2, 1), source=RecordSource.EXTERNAL)
    volunteer.phone = "+46701234567"
    volunteer.save()  # an audit entry: "changed"

    data = json.loads(volunteer_client.get(url("my_data_json", organisation)).content)
    assert data["payments"][0]["method"] == "bankgiro"
    assert data["trainings"]["records"][0]["source"] == "external"
    assert {entry["action"] for entry in data["audit_log"]} >= {"changed"}

    page = volunteer_client.get(url("my_data", organisation)).content.decode()
    assert "Bankgiro" in page and "Externt intyg" in page and "Ändrad" in page
    assert "bankgiro" not in page and "external" not in page
