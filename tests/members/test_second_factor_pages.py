"""The second-factor pages a coordinator meets: TOTP set-up and security keys, in Swedish, under our CSP."""

import pytest
from django.urls import reverse

from tests.conftest import log_in
from tests.factories import PASSWORD

# These pages are allauth's own MFA templates (mfa/index.html, elements/field.html), which read variables that
# may be missing (`authenticators.recovery_codes`, `attrs.errors`); ours are checked everywhere else.
pytestmark = [pytest.mark.django_db, pytest.mark.ignore_template_errors]


def test_after_password_login_a_coordinator_lands_on_totp_setup(client, coordinator):
    client.post(reverse("account_login"), {"login": coordinator.user.email, "password": PASSWORD})
    response = client.get(
        reverse("members:portal", kwargs={"organisation": coordinator.organisation.slug}), follow=True
    )
    # allauth asks for the password once more before a second factor can be added (a stolen session
    # cannot add or swap one), then continues to the TOTP set-up.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    page = response.content.decode()
    assert 'lang="sv"' in page
    assert 'name="code"' in page
    assert "data:image" in page or "<svg" in page  # the QR code, served inline: no third-party image


def test_security_keys_can_be_added(client, volunteer):
    log_in(client, volunteer)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert reverse("mfa_add_webauthn") in response.content.decode()


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def test_activating_totp_opens_the_coordinator_pages(client, coordinator):
    client.post(reverse("account_login"), {"login": coordinator.user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    invite = client.get(reverse("members:invite", kwargs={"organisation": coordinator.organisation.slug}))
    assert invite.status_code == 200


def test_a_wrong_totp_code_is_refused_in_swedish(client, coordinator):
    client.post(reverse("account_login"), {"login": coordinator.user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert "Felaktig kod" in response.content.decode()
    portal = client.get(reverse("members:portal", kwargs={"organisation": coordinator.organisation.slug}))
    assert portal.status_code == 302
