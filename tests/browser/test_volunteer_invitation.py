"""A new volunteer is invited by her coordinator, follows the link in the e-mail on her phone, chooses a
password and lands in the portal; a link used twice, or too old, shows a page that says what to do."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from members.models import Member
from notices.tasks import dispatch_due_notices
from tests.factories import PASSWORD as TEST_PASSWORD

from .conftest import assert_tap_target
from .volunteer_steps import portal_url

PASSWORD = "ett-långt-lösenord-9"


def _invite_nora(desktop, organisation, coordinator) -> str:
    """The coordinator fills in the real invitation page; the mail is sent; the link's path is returned."""
    visit = desktop(coordinator)
    page = visit.goto(portal_url(organisation, "members:invite"))
    page.locator("[name=first_name]").fill("Nora")
    page.locator("[name=last_name]").fill("Nyström")
    page.locator("[name=email]").fill("nora@example.org")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.get_by_text("nora@example.org").first.wait_for()
    assert Member.objects.filter(organisation=organisation, email="nora@example.org").exists()

    dispatch_due_notices()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@example.org"]
    link = re.search(r"https?://\S+", message.body).group(0)
    # The mail carries the configured site address; the browser follows the same path on the test server.
    return urlsplit(link).path


def test_an_invited_volunteer_sets_her_password_and_lands_in_the_portal(desktop, phone, organisation, coordinator):
    link = _invite_nora(desktop, organisation, coordinator)

    visit = phone()
    page = visit.goto(link)
    page.get_by_role("heading", name="Välj ditt lösenord").wait_for()
    visit.check("volunteer-set-password")
    page.get_by_label("Nytt lösenord:", exact=True).fill(PASSWORD)
    page.get_by_label("Nytt lösenord (igen):", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenord").click()

    page.wait_for_url(re.compile(re.escape(portal_url(organisation)) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Hej, Nora"
    visit.check("volunteer-portal-first-visit")
    nora = Member.objects.get(organisation=organisation, email="nora@example.org")
    assert nora.user.has_usable_password()

    # The link works once: opened again (say, from the mail on another device) it explains itself.
    again = phone()
    page = again.goto(link)
    page.get_by_role("heading", name="Länken fungerar inte längre").wait_for()
    assert page.get_by_text("Be din samordnare om en ny inbjudan").is_visible()
    assert page.get_by_role("link", name="Begär en ny länk").is_visible()
    again.check("volunteer-invitation-used")


def test_an_expired_invitation_link_shows_a_clear_page(desktop, phone, organisation, coordinator, settings):
    link = _invite_nora(desktop, organisation, coordinator)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than its lifetime

    visit = phone()
    page = visit.goto(link)
    page.get_by_role("heading", name="Länken fungerar inte längre").wait_for()
    assert page.get_by_text("Länken har gått ut eller har redan använts").is_visible()
    assert not page.get_by_role("button", name="Spara lösenord").count()
    assert reverse("account_login") not in page.url
    visit.check("volunteer-invitation-expired")
    page.get_by_role("link", name="Begär en ny länk").click()
    page.wait_for_url(re.compile(re.escape(reverse("account_reset_password")) + "$"))
    visit.check("volunteer-password-reset-request")


def test_she_logs_in_on_her_phone_and_lands_in_the_portal(phone, organisation, volunteer):
    visit = phone()
    page = visit.goto(reverse("account_login"))
    visit.check("volunteer-login")
    page.get_by_label("E-post").fill(volunteer.user.email)
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    login = page.get_by_role("button", name="Logga in")
    assert_tap_target(login)
    login.click()
    page.wait_for_url(re.compile(re.escape(portal_url(organisation)) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Hej, Vera"


# allauth's own e-mail page reads a variable it does not always pass (its elements/field.html: attrs.errors).
@pytest.mark.ignore_template_errors
def test_a_volunteer_with_a_login_accepts_an_invitation_on_her_phone(phone, organisation, other_organisation):
    """She already volunteers elsewhere: the second shelter's invitation waits on her first page until she
    accepts it, and only then does the shelter appear; her e-mail page says how to change her address."""
    from members.services import member_invite
    from tests.factories import MemberFactory, UserFactory

    bodil = MemberFactory(
        organisation=other_organisation, first_name="Bodil", user=UserFactory(email="bodil@example.org")
    )
    invited = Member.objects.create(organisation=organisation, first_name="Bodil", email="bodil@example.org")
    member_invite(member=invited)

    visit = phone(bodil)
    page = visit.goto("/")
    page.get_by_role("heading", name="Inbjudningar").wait_for()
    assert page.get_by_text(organisation.name).is_visible()
    visit.check("volunteer-invitation-to-answer")
    accept = page.get_by_role("button", name="Acceptera")
    assert_tap_target(accept)
    accept.click()
    page.wait_for_url(re.compile(re.escape(portal_url(organisation)) + "$"))
    invited.refresh_from_db()
    assert invited.user_id == bodil.user_id

    page = visit.goto(reverse("account_email"))
    visit.check("volunteer-change-email")
