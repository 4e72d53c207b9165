"""A coordinator builds a month of the rota on her laptop: a new line, a weekly pattern, the generated shifts,
the under-staffed ones, a volunteer assigned over a rule (with the warning), and publishing."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shifts.models import Assignment, Line, Shift
from tests.factories import CourseFactory, LineFactory, ShiftFactory

from .coordinator_steps import assert_focus_visible, field, tab_to


def test_a_coordinator_builds_generates_staffs_and_publishes_a_month(desktop, organisation, coordinator, volunteer):
    CourseFactory(organisation=organisation, name="Grundutbildning")
    slug = organisation.slug
    visit = desktop(coordinator)

    # A new line that needs two volunteers with the basic training.
    page = visit.goto(reverse("shifts:line_list", kwargs={"organisation": slug}))
    visit.check("coordinator-lines-empty")
    page.get_by_role("link", name="Ny linje").click()
    visit.check("coordinator-line-form")
    field(page, "Namn").fill("Stödtelefonen")
    page.get_by_label("Grundutbildning", exact=True).check()
    field(page, "Kräver underskrivet tystnadslöfte").uncheck()
    field(page, "Minsta antal ideella").fill("2")
    field(page, "Högsta antal ideella").fill("2")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("heading", name=re.compile("Stödtelefonen")).wait_for()
    visit.check("coordinator-lines")
    line = Line.objects.get(organisation=organisation, name="Stödtelefonen")

    # A weekly pattern: weekday evenings 20–23.
    page.get_by_role("link", name="Nytt mönster").click()
    visit.check("coordinator-pattern-form")
    # The weekdays are a fieldset: a screen reader says "Veckodagar" with each box.
    weekdays = page.get_by_role("group", name=re.compile("^veckodagar", re.IGNORECASE))
    for day in ("måndag", "tisdag", "onsdag", "torsdag", "fredag"):
        weekdays.get_by_label(day, exact=True).check()
    field(page, "Börjar").fill("20:00")
    field(page, "Slutar").fill("23:00")
    today = timezone.localdate()
    field(page, "Första veckan").fill(today.isoformat())
    field(page, "Giltig från").fill(today.isoformat())
    page.get_by_role("button", name="Spara").click()

    # Generate a month of it.
    page.get_by_role("heading", name=re.compile("Skapa pass")).wait_for()
    visit.check("coordinator-generate-form")
    field(page, "från").fill(today.isoformat())
    field(page, "till och med").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Skapa", exact=True).click()
    page.get_by_role("status").filter(has_text="pass skapade").wait_for()
    visit.check("coordinator-generated")
    generated = Shift.objects.filter(line=line).count()
    assert 20 <= generated <= 23  # the weekdays of 31 days
    assert page.get_by_role("status").filter(has_text=f"{generated} pass skapade").count() == 1

    # The under-staffed shifts of the next five weeks: every generated one still to come, said in words.
    page = visit.goto(reverse("shifts:rota_gaps", kwargs={"organisation": slug}) + "?weeks=5")
    visit.check("coordinator-gaps")
    upcoming = Shift.objects.filter(line=line, starts_at__gt=timezone.now()).count()
    cards = page.locator(".shift-card")
    assert cards.count() == upcoming
    badges = page.locator(".shift-card .badge-warning")
    assert badges.count() == upcoming
    assert set(badges.all_inner_texts()) == {"Saknar 2"}  # text, not colour alone
    assert cards.first.inner_text().count("0 av 2") == 1

    # The month view says it too, in words beside the colour.
    page = visit.goto(reverse("shifts:rota_month", kwargs={"organisation": slug}))
    visit.check("coordinator-rota-month")
    if Shift.objects.filter(line=line, starts_at__month=today.month).exists():
        month_badges = page.locator(".calendar-month .rota-month-shifts .badge-warning")
        assert month_badges.count() >= 1
        assert set(month_badges.all_inner_texts()) == {"Saknar 2"}
        # ... on one line, inside their day's box; in a narrow 800 px window they wrap but still stay inside.
        assert all(box["height"] < 24 for box in (b.bounding_box() for b in month_badges.all())), "badge wraps"
        for width in (1280, 800):
            page.set_viewport_size({"width": width, "height": 800})
            spill = page.evaluate(
                """() => [...document.querySelectorAll('.calendar-day .badge')].filter((badge) =>
                    badge.getBoundingClientRect().right > badge.closest('.calendar-day').getBoundingClientRect().right
                ).length"""
            )
            assert spill == 0, f"{spill} staffing badges stick out of their day at {width} px"
        page.set_viewport_size({"width": 1280, "height": 800})

    # Assign Vera, who lacks the basic training: a warning lists the rule, then "assign anyway" with a reason.
    page = visit.goto(reverse("shifts:rota_gaps", kwargs={"organisation": slug}) + "?weeks=5")
    page.locator(".shift-card a").first.click()
    page.get_by_role("heading", name="Tilldela en ideell").wait_for()
    visit.check("coordinator-shift")
    # She lacks the training, so she is not among those offered: found by name, picked, warned.
    field(page, "Sök någon annan med namn").fill(volunteer.first_name)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name=f"Välj {volunteer.first_name}").click()
    warning = page.get_by_role("alert")
    warning.wait_for()
    assert "Varning: hon uppfyller inte de här reglerna för passet" in warning.inner_text()
    assert "Grundutbildning" in warning.inner_text()
    assert not Assignment.objects.filter(member=volunteer).exists()
    visit.check("coordinator-shift-warning")
    field(page, "skäl till att gå förbi reglerna").fill("Utbildningen är klar, intyget kommer i veckan.")
    page.get_by_role("button", name="Tilldela ändå").click()
    page.get_by_text("Regel åsidosatt").wait_for()
    assignment = Assignment.objects.get(member=volunteer)
    assert assignment.overridden_by_id == coordinator.pk
    assert "1 av 2" in page.locator("main").inner_text()
    visit.check("coordinator-shift-overridden")

    # Publish: the change goes out and nothing is left unpublished.
    page = visit.goto(reverse("shifts:rota_month", kwargs={"organisation": slug}))
    assert page.get_by_text("1 opublicerad ändring").count() == 1
    page.get_by_role("button", name="Publicera").click()
    page.get_by_role("status").filter(has_text="Publicerat: 1 ideell").wait_for()
    assert page.get_by_text("0 opublicerade ändringar").count() == 1
    visit.check("coordinator-rota-published")


def test_the_rota_main_actions_are_reachable_by_keyboard(desktop, organisation, coordinator):
    visit = desktop(coordinator)
    page = visit.goto(reverse("shifts:rota_month", kwargs={"organisation": organisation.slug}))
    # The first Tab reaches the skip link, which is shown when focused and jumps to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip.evaluate("(el) => el === document.activeElement")
    assert_focus_visible(page)
    for name in ("Luckor", "Linjer och mönster", "Publicera", "Nästa månad"):
        tab_to(page, name)
        assert_focus_visible(page)
    page.keyboard.press("Shift+Tab")
    tab_to(page, "Luckor", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(reverse("shifts:rota_gaps", kwargs={"organisation": organisation.slug})))


def test_a_volunteer_is_assigned_with_the_keyboard_alone(desktop, organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation, name="Chatten")
    shift = ShiftFactory(line=line, starts_at=timezone.now().replace(microsecond=0) + timedelta(days=3))
    visit = desktop(coordinator)
    page = visit.goto(reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": shift.pk}))
    page.locator('#assign-choices input[type="radio"][name="member"]').first.wait_for()  # htmx loads the list
    # Tab to the choices (a radio group), arrow to her and check her, Tab on to the button and press Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "member":
            break
    assert_focus_visible(page)
    for _ in range(20):
        if page.evaluate("document.activeElement.labels[0].textContent").strip().startswith("Vera"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "Tilldela")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="är med på passet").wait_for()
    assert Assignment.objects.filter(shift=shift, member=volunteer).exists()
    # htmx replaced the main area under her focus: focus stays in it instead of going back to the top.
    page.wait_for_function("document.activeElement !== document.body")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scrolling on a laptop
