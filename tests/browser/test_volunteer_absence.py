"""Issue 17: a volunteer marks July away from her phone (from her profile), sees it on her page; a July shift is then
not offered to her, and taking one with "Visa även pass du inte kan ta" asks her to confirm; she comes back to the
page through the menu and removes the absence. The pages pass the harness's checks (axe, no sideways scroll, tap
targets, weight) at 360 px."""

import re
from datetime import date, datetime, time

from django.utils import timezone

from shifts.models import Absence, Assignment
from tests.factories import LineFactory, ShiftFactory

from .conftest import assert_tap_target
from .volunteer_steps import STOCKHOLM, open_menu, portal_url


def test_she_marks_july_away_from_her_phone(phone, organisation, volunteer):
    year = timezone.localdate().year + 1
    organisation.signup_window_days = 400  # next July is open for sign-up
    organisation.save()
    line = LineFactory(organisation=organisation, name="Telefonjouren", min_volunteers=1, max_volunteers=2)
    july = ShiftFactory(line=line, starts_at=datetime.combine(date(year, 7, 14), time(20), tzinfo=STOCKHOLM))
    ShiftFactory(line=line, starts_at=datetime.combine(date(year, 8, 4), time(20), tzinfo=STOCKHOLM))
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    open_menu(page)
    page.get_by_role("link", name="Min profil").click()
    page.get_by_role("link", name="Frånvaro och önskemål").click()
    page.get_by_role("heading", name="Frånvaro och önskemål", level=1).wait_for()
    visit.check("volunteer-absence-empty")

    page.get_by_label("Första dagen borta").fill(f"{year}-07-01")
    page.get_by_label("Sista dagen borta").fill(f"{year}-07-31")
    mark = page.get_by_role("button", name="Markera mig som borta")
    assert_tap_target(mark)
    mark.click()
    page.get_by_text("Du är markerad som borta.").wait_for()
    assert Absence.objects.get(member=volunteer).ends_on == date(year, 7, 31)
    assert_tap_target(page.get_by_role("button", name=re.compile("^Ta bort")))
    visit.check("volunteer-absence-july")

    # Her next shift is in August: July's is not offered, and the week of it has none for her.
    page = visit.goto(portal_url(organisation, "shifts:portal_open"))
    page.get_by_role("heading", name=re.compile(" 4 augusti$")).wait_for()
    assert page.get_by_role("button", name="Ta passet", exact=True).count() == 1
    assert not page.get_by_text("14 juli").count()
    page = visit.goto(portal_url(organisation, "shifts:portal_open") + f"?week={year}-07-14")
    page.get_by_text("Det finns inget pass du kan ta den här veckan.").wait_for()
    page.get_by_label("Visa även pass du inte kan ta").check()
    page.get_by_text("Du har markerat att du är borta då.").wait_for()
    anyway = page.get_by_role("button", name="Ta passet ändå")
    assert_tap_target(anyway)
    visit.check("volunteer-open-shifts-away")
    anyway.click()
    page.get_by_text("Passet är ditt.").wait_for()
    assert Assignment.objects.filter(member=volunteer, shift=july).exists()

    # Back to her page through the menu: it lists the shift she holds while away; she removes the absence.
    open_menu(page)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Frånvaro och önskemål").click()
    page.get_by_role("heading", name="Frånvaro och önskemål", level=1).wait_for()
    page.get_by_text("Du har fortfarande de här passen medan du är borta.", exact=False).wait_for()
    remove = page.get_by_role("button", name=re.compile("^Ta bort"))
    remove.click()
    page.get_by_text("Frånvaron är borttagen.").wait_for()
    assert not Absence.objects.exists()
