"""A coordinator imports the shelter's member list from a spreadsheet: a file with errors gives a report by
line number and imports nothing; the corrected file is previewed and imported."""

from django.urls import reverse

from members.models import Member

from .coordinator_steps import field

WITH_ERRORS = (
    "förnamn;efternamn;e-post;telefon;medlem sedan\n"
    "Anna;Andersson;anna@example.org;070-123 45 67;2024-01-15\n"
    ";Berg;berit@example.org;;2024-02-01\n"
    "Cilla;Carlsson;inte-en-adress;;15/3 2024\n"
)
CORRECTED = (
    "förnamn;efternamn;e-post;telefon;medlem sedan\n"
    "Anna;Andersson;anna@example.org;070-123 45 67;2024-01-15\n"
    "Berit;Berg;berit@example.org;;2024-02-01\n"
    "Cilla;Carlsson;cilla@example.org;;2024-03-15\n"
)


def test_a_file_with_errors_imports_nothing_then_the_corrected_file_is_imported(
    desktop, organisation, coordinator, tmp_path
):
    before = Member.objects.filter(organisation=organisation).count()
    visit = desktop(coordinator)
    page = visit.goto(reverse("members:import_members", kwargs={"organisation": organisation.slug}))
    visit.check("coordinator-import-upload")

    broken = tmp_path / "medlemmar.csv"
    broken.write_text(WITH_ERRORS, encoding="utf-8")
    field(page, "Fil").set_input_files(str(broken))
    page.get_by_role("button", name="Visa förhandsgranskning").click()
    report = page.get_by_role("alert")
    report.get_by_role("heading", name="Inget kan importeras").wait_for()
    visit.check("coordinator-import-errors")
    rows = report.locator("tbody tr")
    assert rows.count() == 3
    lines = {row.locator("td").first.inner_text() for row in rows.all()}
    # The header is line 1: Berit's missing first name is on line 3, Cilla's e-mail and date on line 4.
    assert lines == {"3", "4"}
    assert "Förnamn" in rows.filter(has_text="3").first.inner_text()
    assert rows.filter(has_text="E-post").count() == 1
    assert Member.objects.filter(organisation=organisation).count() == before
    assert not Member.objects.filter(email="anna@example.org").exists()

    # The corrected file: a preview of three new members, nothing saved until she confirms.
    page.get_by_role("link", name="Ladda upp en rättad fil").click()
    fixed = tmp_path / "medlemmar-rattad.csv"
    fixed.write_text(CORRECTED, encoding="utf-8")
    field(page, "Fil").set_input_files(str(fixed))
    page.get_by_role("button", name="Visa förhandsgranskning").click()
    page.get_by_role("button", name="Bekräfta import").wait_for()
    visit.check("coordinator-import-preview")
    assert page.locator("tbody tr").count() == 3
    assert Member.objects.filter(organisation=organisation).count() == before
    page.get_by_role("button", name="Bekräfta import").click()
    page.get_by_role("status").filter(has_text="Importen är klar").wait_for()
    visit.check("coordinator-member-list-imported")
    assert Member.objects.filter(organisation=organisation).count() == before + 3
    assert page.get_by_role("link", name="Berit Berg").count() == 1
