"""The coordinator pages: upload → preview → confirm; the stored upload is bound to shelter and member."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import imports
from members.models import Member
from tests.conftest import log_in
from tests.factories import MemberFactory
from tests.members.test_import_members import HEADER, ROWS, csv_bytes


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "imports")


def url(organisation, name):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


def upload(client, organisation, content, name="import_members"):
    return client.post(url(organisation, name), {"file": SimpleUploadedFile("medlemmar.csv", content)})


def test_upload_page_documents_the_columns(coordinator_client, organisation):
    page = coordinator_client.get(url(organisation, "import_members")).content.decode()
    for heading in ("Förnamn", "E-post", "Medlem sedan", "Medlemstyp"):
        assert heading in page
    assert "2 MB" in page


def test_preview_then_confirm_imports_in_one_go(coordinator_client, organisation):
    # ROWS[1] makes a coordinator, which only an admin may (test_import_authority.py): she imports a volunteer.
    response = upload(coordinator_client, organisation, csv_bytes([HEADER, ROWS[0]]))
    page = response.content.decode()
    assert response.status_code == 200 and "Bekräfta import" in page and "Ny" in page
    assert not Member.objects.filter(email="asa@example.se").exists()
    token = response.context["token"]
    response = coordinator_client.post(url(organisation, "import_members_confirm"), {"token": token})
    assert response.status_code == 302
    assert Member.objects.filter(organisation=organisation, email="asa@example.se").exists()
    # The stored file is used once.
    again = coordinator_client.post(url(organisation, "import_members_confirm"), {"token": token})
    assert again.status_code == 302 and again["Location"].endswith(url(organisation, "import_members"))


def test_preview_lists_errors_by_line_without_a_confirm_button(coordinator_client, organisation):
    content = csv_bytes([HEADER, ROWS[0], ["Bea", "", "fel", "", "", "", "", "", ""]])
    page = upload(coordinator_client, organisation, content).content.decode()
    assert "Bekräfta import" not in page
    assert "<td>3</td>" in page and "inte en giltig e-postadress" in page


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage" * 50, csv_bytes([["Namn"], ["x"]])])
def test_bad_files_get_a_message_not_a_500(coordinator_client, organisation, content):
    response = upload(coordinator_client, organisation, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Inget kan importeras" in page or "Den skickade filen är tom." in page


def test_too_large_upload_is_refused_in_the_form(coordinator_client, organisation):
    response = upload(coordinator_client, organisation, b"a;b\n" * (imports.MAX_BYTES // 4 + 10))
    assert response.status_code == 200 and "2 MB" in response.content.decode()


def test_another_member_cannot_confirm_my_upload(client, coordinator, organisation):
    log_in(client, coordinator)
    token = upload(client, organisation, csv_bytes([HEADER, ROWS[0]])).context["token"]
    other = MemberFactory(organisation=organisation, role="coordinator")
    log_in(client, other)
    response = client.post(url(organisation, "import_members_confirm"), {"token": token})
    assert response.status_code == 302
    assert not Member.objects.filter(email="asa@example.se").exists()


def test_payment_import_pages(coordinator_client, organisation):
    MemberFactory(organisation=organisation, email="anna@example.se", user=None)
    content = csv_bytes([["E-post", "År", "Belopp", "Betald"], ["anna@example.se", "2025", "200", "2025-01-10"]])
    response = upload(coordinator_client, organisation, content, name="import_payments")
    assert "Bekräfta import" in response.content.decode()
    response = coordinator_client.post(
        url(organisation, "import_payments_confirm"), {"token": response.context["token"]}
    )
    assert response.status_code == 302
    assert organisation.payments.count() == 1


def test_member_list_links_to_import_and_export(coordinator_client, organisation):
    page = coordinator_client.get(url(organisation, "member_list")).content.decode()
    assert url(organisation, "import_members") in page and url(organisation, "export_members_xlsx") in page
