"""A volunteer's own settings on her phone: she copies her calendar link (and the link serves her shifts as a
calendar), switches the portal to English and back, and downloads all the data held about her."""

import json
import re
from datetime import date
from pathlib import Path

from django.utils import timezone

from tests.factories import AssignmentFactory, CourseFactory, TrainingRecordFactory

from .conftest import assert_tap_target
from .volunteer_steps import evening_shifts, open_menu, phone_line, portal_url, publish_pledge, sign_pledge


def test_she_copies_her_calendar_link_and_the_link_serves_her_shifts(phone, organisation, volunteer):
    sign_pledge(volunteer, publish_pledge(organisation))
    shift = evening_shifts(phone_line(organisation), 1)[0]
    AssignmentFactory(shift=shift, member=volunteer, created_at=timezone.now())
    visit = phone(volunteer)
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"])

    page = visit.goto(portal_url(organisation))
    open_menu(page)
    page.get_by_role("link", name="Kalender").click()
    page.wait_for_url(re.compile(re.escape(portal_url(organisation, "shifts:calendar")) + "$"))
    assert page.get_by_text("Du har ingen kalenderlänk.").is_visible()
    visit.check("volunteer-calendar")

    page.get_by_role("button", name="Skapa en länk").click()
    link_field = page.get_by_label(re.compile("Kopiera länken till din kalenderapp"))
    link_field.wait_for()
    link = link_field.input_value()
    assert re.search(r"/calendar/feed/[^/]+\.ics$", link), link
    copy = page.get_by_role("button", name="Kopiera länken")
    assert_tap_target(copy)
    visit.check("volunteer-calendar-new-link")
    copy.click()
    page.get_by_role("button", name="Kopierat").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link

    # What her calendar app will fetch: an iCalendar file with her shift, discreetly named.
    feed = page.request.get(link)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" in body
    assert organisation.name not in body and volunteer.last_name not in body


def test_she_switches_the_portal_to_english_and_back(phone, organisation, volunteer):
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    assert page.get_by_role("heading", level=1).inner_text() == "Hej, Vera"
    assert page.locator("html").get_attribute("lang") == "sv"

    page.get_by_label("Språk").select_option(label="English")
    page.get_by_role("heading", name="Hello, Vera").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Open shifts").first.is_visible()
    assert page.url.endswith(portal_url(organisation))  # she stays on the page she was on
    visit.check("volunteer-portal-english")

    # The choice follows her to the next page.
    page.get_by_role("link", name="My shifts").first.click()
    page.get_by_role("heading", name="My shifts").wait_for()
    assert page.get_by_text("You have no upcoming shifts.").is_visible()

    page.get_by_label("Language").select_option(label="Svenska")
    page.get_by_role("heading", name="Mina pass").wait_for()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_text("Du har inga kommande pass.").is_visible()
    visit.check("volunteer-my-shifts-swedish-again")


def test_she_downloads_her_data(phone, organisation, volunteer):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    TrainingRecordFactory(member=volunteer, course=course, completed_on=date(2026, 3, 3))
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    open_menu(page)
    page.get_by_role("link", name="Min profil").click()
    page.get_by_role("link", name="Mina uppgifter").click()
    page.wait_for_url(re.compile(re.escape(portal_url(organisation, "members:my_data")) + "$"))
    assert page.get_by_text(volunteer.last_name).first.is_visible()
    # Written for her, not for a programmer: field names and codes in words, times as local times.
    profile = page.locator(".card", has=page.get_by_role("heading", name="Profil"))
    assert profile.locator("dt", has_text="Förnamn").count() == 1
    assert profile.locator("dt", has_text="first_name").count() == 0
    assert profile.locator("dd", has_text="Ideell").count() == 1  # her role, not "volunteer"
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", profile.locator("dd").last.inner_text())
    trainings = page.locator(".card", has=page.get_by_role("heading", name="Genomförda utbildningar"))
    assert "Grundutbildning" in trainings.inner_text()
    visit.check("volunteer-my-data")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner som JSON").click()
    download = download_info.value
    assert download.suggested_filename == "jourplan-my-data.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["profile"]["first_name"] == "Vera"
    assert data["profile"]["last_name"] == volunteer.last_name
    assert data["profile"]["email"] == volunteer.email
    assert data["trainings"]["records"][0]["course"] == "Grundutbildning"  # her trainings are hers too
