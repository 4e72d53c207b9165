"""The coordinator's report (issue 20, point 3) in a browser: she finds it in her menu, reads this year's figures
on her laptop and her phone (axe, no sideways scroll), and downloads the PDF for the board meeting. In English
(the language cookie), so the journey reads the same before and after the Swedish catalogue changes."""

from pathlib import Path

from members.models import Role
from tests.factories import MemberFactory
from tests.reports.scenarios import seed_march

from .test_shelter_settings import in_english
from .volunteer_steps import portal_url


def test_a_coordinator_reads_this_years_report_and_downloads_it_for_printing(desktop, phone, organisation):
    seed_march(organisation)  # March 2026: shifts on two lines and approved volunteer time
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)

    visit = in_english(desktop(coordinator))
    page = visit.goto(portal_url(organisation, "members:portal"))
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="This year so far").click()
    page.get_by_role("heading", name="In short").wait_for()
    assert page.locator("svg title").count() >= 1  # the chart of hours per month, with its title
    assert page.get_by_role("columnheader", name="Telefon").count() >= 1  # hours and opening hours by line
    visit.check("coordinator-report-this-year")

    with page.expect_download() as download_info:
        page.get_by_test_id("report-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    on_phone = in_english(phone(coordinator))
    on_phone.goto(portal_url(organisation, "reports:report") + "?period=this_year")
    on_phone.page.get_by_role("heading", name="In short").wait_for()
    on_phone.check("coordinator-report-phone")
