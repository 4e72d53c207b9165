"""A coordinator logs in on her laptop with e-mail, password and a TOTP code from her authenticator app;
a coordinator without a second factor is sent to set one up before any coordinator page opens."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD

from .coordinator_steps import totp_code


def test_a_coordinator_logs_in_with_password_and_a_totp_code(desktop, organisation, coordinator):
    secret = generate_totp_secret()
    TOTP.activate(coordinator.user, secret)
    rota = reverse("shifts:rota_month", kwargs={"organisation": organisation.slug})
    visit = desktop()

    page = visit.goto(f"{reverse('account_login')}?next={rota}")
    visit.check("coordinator-login")
    page.get_by_label("E-post").fill(coordinator.user.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url(re.compile(reverse("mfa_authenticate")))
    visit.check("coordinator-second-factor")
    # A wrong code is refused and the rota stays closed.
    page.get_by_label("Kod").fill("000000")
    page.get_by_role("button", name=re.compile("Logga in|Bekräfta|Autentisera")).click()
    page.get_by_text("Felaktig kod").wait_for()
    assert re.search(reverse("mfa_authenticate"), page.url)

    page.get_by_label("Kod").fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Logga in|Bekräfta|Autentisera")).click()
    page.wait_for_url(re.compile(rota + "$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Schema")
    visit.check("coordinator-rota-after-login")


# allauth's own MFA setup templates read variables that may be missing (`authenticators.recovery_codes`).
@pytest.mark.ignore_template_errors
def test_a_coordinator_without_a_second_factor_is_sent_to_set_one_up(desktop, organisation, coordinator):
    rota = reverse("shifts:rota_month", kwargs={"organisation": organisation.slug})
    visit = desktop()
    page = visit.goto(f"{reverse('account_login')}?next={rota}")
    page.get_by_label("E-post").fill(coordinator.user.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # allauth asks for the password again before a second factor can be added, then shows the TOTP set-up.
    page.wait_for_url(re.compile(reverse("account_reauthenticate")))
    assert "Schema" not in page.title()
    visit.check("coordinator-reauthenticate")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(re.compile(reverse("mfa_activate_totp")))
    visit.check("coordinator-totp-setup")

    # Any other coordinator page sends her back here until she has activated TOTP.
    visit.goto(reverse("members:member_list", kwargs={"organisation": organisation.slug}))
    assert reverse("mfa_activate_totp") in page.url

    # The secret she would scan as a QR code (or type into her app) is shown beside it.
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    page.get_by_label("Autentiseringskod").fill(totp_code(secret))
    page.get_by_role("button", name="Aktivera").click()
    page.wait_for_url(lambda url: reverse("mfa_activate_totp") not in url)
    assert Authenticator.objects.filter(user=coordinator.user, type=Authenticator.Type.TOTP).exists()
    visit.goto(rota)
    assert page.url.endswith(rota)
    visit.check("coordinator-rota-after-totp-setup")


def test_the_code_is_computed_as_allauth_does():
    # RFC 6238's test vector (SHA-1, 8 digits at T=59 s gives 94287082): a 6-digit code is its tail, and
    # allauth's own functions agree with ours.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59) == "287082"
    assert format_hotp_value(hotp_value(secret, 59 // 30)) == "287082"
