from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import MemberFactory
from trainings.models import RecordSource, TrainingRecord

pytestmark = pytest.mark.django_db

URL = reverse("trainings:import", kwargs={"organisation": "testjouren"})


def upload(client, text, encoding="utf-8"):
    return client.post(URL, {"file": SimpleUploadedFile("utbildningar.csv", text.encode(encoding))})


def test_preview_then_import_all(coordinator_client, organisation):
    anna = MemberFactory(organisation=organisation, email="anna@example.org")
    text = (
        "e-post;kurs;datum\n"
        "anna@example.org;Chattutbildning;2025-03-01\n"
        "ANNA@example.org;stödsamtal i telefon;2024-01-15\n"
    )
    page = upload(coordinator_client, text, "cp1252")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Förhandsgranskning" in content and "Importera 2 utbildningar" in content
    assert not TrainingRecord.objects.exists()
    confirm = coordinator_client.post(URL, {"text": page.context["confirm"].initial["text"]})
    assert confirm.status_code == 302
    records = TrainingRecord.objects.filter(member=anna)
    assert records.count() == 2 and {r.source for r in records} == {RecordSource.IMPORTED}
    assert records.get(course__name="Chattutbildning").expires_on == date(2027, 3, 1)


def test_errors_are_line_numbered_in_swedish_and_nothing_is_imported(coordinator_client, organisation):
    MemberFactory(organisation=organisation, email="anna@example.org")
    text = (
        "\ufeffemail,course,date\n"
        "anna@example.org,Chattutbildning,2025-03-01\n"
        "okand@example.org,Chattutbildning,2025-03-01\n"
        "anna@example.org,Dans,1 mars\n"
    )
    content = upload(coordinator_client, text).content.decode()
    assert "Rad 3: ingen medlem med e-postadressen" in content
    assert "Rad 4: ingen kurs som heter ”Dans”; ”1 mars” är inget datum (ÅÅÅÅ-MM-DD)." in content
    assert "Inget importerades." in content
    assert not TrainingRecord.objects.exists()


def test_a_missing_column_is_reported(coordinator_client):
    content = upload(coordinator_client, "namn;kurs\nAnna;Chattutbildning\n").content.decode()
    assert "Rad 1: kolumnen" in content


def test_an_unreadable_file_is_refused_with_a_reason(coordinator_client):
    response = coordinator_client.post(URL, {"file": SimpleUploadedFile("x.csv", b"\x00\x01binary")})
    assert "Inget importerades." in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_tampered_confirmation_imports_nothing(coordinator_client):
    response = coordinator_client.post(URL, {"text": "not base64!"})
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()
