"""Issue 20, point 1: a shared national rota in a browser. The federation's operator, on her laptop, creates the
summer chat as a national line, gives it a daily pattern, generates a fortnight of shifts and invites two shelters;
each shelter's coordinator takes part from her menu and lets one of her volunteers in; the first volunteer, on her
phone, takes a national shift among her open shifts in one tap, and the second volunteer takes the same shift and
sees her colleague only as "en ideell från en annan jour"; the operator's gap view has counts per shelter and no
names. The operator's and coordinators' pages are read in English (the language cookie), so the journey reads the
same before and after the Swedish catalogue takes their new strings; the volunteers' pages are Swedish."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from members.models import Role
from shifts.models import Assignment, AssignmentStatus, Line, NationalParticipation, NationalVolunteer, Shift
from tests.factories import MemberFactory, UserFactory

from .conftest import assert_tap_target
from .coordinator_steps import field
from .test_shelter_settings import in_english
from .volunteer_steps import portal_url

LINE = "Nationell chatt, sommar"


def test_two_shelters_staff_a_national_line_and_names_stay_in_their_shelter(
    desktop, phone, organisation, other_organisation
):
    operator = UserFactory(is_staff=True)  # a federation operator: no member of any shelter
    first = {
        "shelter": organisation,  # Kvinnojouren Test
        "coordinator": MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia"),
        "volunteer": MemberFactory(organisation=organisation, first_name="Ingrid", last_name="Isaksson"),
    }
    second = {
        "shelter": other_organisation,  # Kvinnojouren Annan
        "coordinator": MemberFactory(organisation=other_organisation, role=Role.COORDINATOR, first_name="Karin"),
        "volunteer": MemberFactory(organisation=other_organisation, first_name="Hanna", last_name="Holm"),
    }

    # The operator creates the line: a chat, one or two volunteers a shift, no pledge asked.
    office = in_english(desktop(operator))
    page = office.goto(reverse("national:lines"))
    page.get_by_text("There are no national lines yet.").wait_for()
    office.check("operator-national-lines-empty")
    field(page, "Name").fill(LINE)
    field(page, "Kind").select_option(label="Chat")
    field(page, "Minimum volunteers").fill("1")
    field(page, "Maximum volunteers").fill("2")
    field(page, "Needs the signed pledge of confidentiality").uncheck()
    page.get_by_role("button", name="Create the line").click()
    page.get_by_text("The national line is created.").wait_for()
    line = Line.objects.national().get(name=LINE)
    assert line.kind == "chat" and not line.needs_pledge

    # A pattern for every evening 18–21, and its shifts for a fortnight from today.
    page.get_by_role("link", name="New pattern").click()
    weekdays = page.get_by_role("group", name=re.compile("^weekdays", re.IGNORECASE))
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        weekdays.get_by_label(day, exact=True).check()
    field(page, "Starts").fill("18:00")
    field(page, "Ends").fill("21:00")
    today = timezone.localdate()
    field(page, "First week").fill(today.isoformat())
    field(page, "Valid from").fill(today.isoformat())
    office.check("operator-national-pattern-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=re.compile("^Generate shifts")).wait_for()
    field(page, "From").fill(today.isoformat())
    field(page, "Until").fill((today + timedelta(days=13)).isoformat())
    page.get_by_role("button", name="Generate", exact=True).click()
    page.get_by_role("status").filter(has_text="14 shifts created").wait_for()
    office.check("operator-national-generated")
    assert Shift.objects.filter(line=line).count() == 14

    # She invites the two shelters; neither has answered yet.
    page.get_by_role("link", name="Back", exact=True).click()
    invite = page.get_by_role("group", name=re.compile("^shelters to invite", re.IGNORECASE))
    invite.get_by_label("Kvinnojouren Test", exact=True).check()
    invite.get_by_label("Kvinnojouren Annan", exact=True).check()
    page.get_by_role("button", name="Invite", exact=True).click()
    page.get_by_text("2 shelters invited.").wait_for()
    shelters = page.get_by_test_id("national-shelters")
    assert shelters.get_by_text("Not answered").count() == 2
    office.check("operator-national-line")

    # Each shelter's coordinator finds the invitation in her menu, takes part and lets one volunteer in.
    for n, shelter in enumerate((first, second)):
        visit = in_english(desktop(shelter["coordinator"]))
        page = visit.goto(portal_url(shelter["shelter"]))
        page.get_by_role("link", name="National lines").click()
        page.get_by_role("heading", name="Invitations").wait_for()
        if n == 0:
            visit.check("coordinator-national-invitation")
        page.get_by_role("button", name="Take part").click()
        page.get_by_text(f"Your shelter takes part in {LINE}.").wait_for()
        volunteer = shelter["volunteer"]
        page.get_by_label(f"{volunteer.first_name} {volunteer.last_name}", exact=True).check()
        page.get_by_role("button", name="Save who may take its shifts").click()
        page.get_by_text("Saved: 1 let in, 0 taken off.").wait_for()
        assert page.get_by_role("group", name="Let in: 1").count() == 1
        if n == 0:
            visit.check("coordinator-national-line")
    assert NationalParticipation.objects.filter(line=line, accepted_at__isnull=False).count() == 2
    assert set(NationalVolunteer.objects.filter(line=line).values_list("member__first_name", flat=True)) == {
        "Ingrid",
        "Hanna",
    }

    # Ingrid, on her phone: a national shift among her open shifts, taken in one tap; then on "Mina pass".
    ingrid = phone(first["volunteer"])
    page = ingrid.goto(portal_url(organisation, "shifts:portal_open"))
    card = page.locator(".shift-card").filter(has_text=LINE).first
    assert card.locator(".badge-national").inner_text() == "Nationell linje"
    starts = card.locator("time").get_attribute("datetime")
    take = card.get_by_role("button", name="Ta passet")
    assert_tap_target(take)
    ingrid.check("volunteer-national-open-shifts")
    take.click()
    card = page.locator(".shift-card").filter(has=page.locator(f'time[datetime="{starts}"]'))
    card.get_by_text("Passet är ditt.").wait_for()
    shift = Assignment.objects.get(member=first["volunteer"], status=AssignmentStatus.CONFIRMED).shift
    assert shift.line == line
    page.get_by_role("link", name="Mina pass").click()
    mine = page.locator(".shift-card").filter(has_text=LINE)
    mine.wait_for()
    assert mine.locator(".badge-national").inner_text() == "Nationell linje"
    ingrid.check("volunteer-national-my-shifts")

    # Hanna, of the other shelter, takes the same shift; her colleague is no name to her.
    hanna = phone(second["volunteer"])
    page = hanna.goto(portal_url(other_organisation, "shifts:portal_open"))
    card = page.locator(".shift-card").filter(has=page.locator(f'time[datetime="{starts}"]'))
    card.get_by_role("button", name="Ta passet").click()
    card.get_by_text("Passet är ditt.").wait_for()
    assert Assignment.objects.get(member=second["volunteer"], status=AssignmentStatus.CONFIRMED).shift == shift
    page.get_by_role("link", name="Mina pass").click()
    mine = page.locator(".shift-card").filter(has=page.locator(f'time[datetime="{starts}"]'))
    mine.get_by_text("en ideell från en annan jour").wait_for()
    text = page.content()  # the HTML, hidden parts too
    assert "Ingrid" not in text and "Isaksson" not in text
    hanna.check("volunteer-national-my-shifts-colleague")

    # The operator's gap view: the shift has one volunteer from each shelter, counted, never named.
    page = office.goto(reverse("national:gaps", kwargs={"pk": line.pk}))
    row = (
        page.get_by_test_id("national-gaps")
        .locator(".shift-card")
        .filter(has=page.locator(f'time[datetime="{starts}"]'))
    )
    assert row.locator(".national-shelter-counts li").all_inner_texts() == [
        "Kvinnojouren Annan: 1",
        "Kvinnojouren Test: 1",
    ]
    text = page.content()  # the HTML, hidden parts too
    for name in ("Ingrid", "Isaksson", "Hanna", "Holm"):
        assert name not in text
    office.check("operator-national-gaps")
