"""Issue 18, announcements: a coordinator writes a message on her laptop, checks how many it reaches and sends it; a
volunteer finds it on her phone's start page, reads it (or marks it read) and it leaves her start page; the
coordinator sees how many have read it. Every page passes the harness's checks (axe, no sideways scroll, weight)."""

import re

from django.urls import reverse

from announcements.services import announcement_send
from members.models import Role
from tests.factories import MemberFactory

from .conftest import assert_tap_target


def url(name, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"organisation": organisation.slug, **kwargs})


def test_a_message_is_written_read_on_a_phone_and_counted(desktop, phone, organisation):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")
    vera = MemberFactory(organisation=organisation, first_name="Vera")
    MemberFactory(organisation=organisation, first_name="Bodil")

    office = desktop(coordinator)
    page = office.goto(url("announcements:sent", organisation))
    page.get_by_text("Inga meddelanden har skickats än.").wait_for()
    page.get_by_role("link", name="Skriv ett meddelande").click()
    page.get_by_label("Rubrik").fill("Jourmöte i maj")
    page.get_by_label("Meddelande:", exact=True).fill("Torsdag kl 18 i lokalen. Välkomna!")
    page.get_by_role("button", name="Kontrollera mottagarna").click()
    page.get_by_text("Meddelandet når 2 personer.").wait_for()
    office.check("coordinator-announcement-confirm")
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.get_by_text("Meddelandet är skickat till 2 personer.").wait_for()
    page.get_by_text("Läst av 0 av 2").wait_for()
    office.check("coordinator-announcements")

    # A second message, so the start page has one to read and one to mark read.
    announcement_send(organisation=organisation, author=coordinator, title="Sommarchatten", body="Anmäl dig.")

    hers = phone(vera)
    page = hers.goto(url("members:portal", organisation))
    unread = page.locator("#announcements-unread")
    unread.get_by_role("link", name="Jourmöte i maj").wait_for()
    hers.check("volunteer-start-page-unread-messages")
    mark = unread.get_by_role("button", name=re.compile(r"^Markera som läst\W+Sommarchatten$"))
    assert_tap_target(mark)
    mark.click()
    unread.get_by_role("link", name="Sommarchatten").wait_for(state="detached")
    unread.get_by_role("link", name="Jourmöte i maj").click()
    page.get_by_role("heading", name="Jourmöte i maj").wait_for()
    page.get_by_text("Torsdag kl 18 i lokalen. Välkomna!").wait_for()
    hers.check("volunteer-announcement-read")
    page = hers.goto(url("members:portal", organisation))
    page.get_by_role("heading", name="Mina nästa pass").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("#announcements-unread").count() == 0
    page = hers.goto(url("announcements:mine", organisation))
    page.get_by_role("link", name="Sommarchatten").wait_for()
    hers.check("volunteer-announcements")

    page = office.goto(url("announcements:sent", organisation))
    page.locator(".announcement-card", has_text="Jourmöte i maj").get_by_text("Läst av 1 av 2").wait_for()
