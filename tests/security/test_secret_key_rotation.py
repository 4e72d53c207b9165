"""Rotating SECRET_KEY as docs/operations.md says: with the old key in SECRET_KEY_FALLBACKS, sessions and
password-reset (and invitation) links made before the change still work; without it, both stop."""

import pytest
from allauth.account.forms import default_token_generator  # the one invitation and reset links use
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

OLD = "old-key-" + "x" * 50
NEW = "new-key-" + "y" * 50


def _portal(member):
    return reverse("members:portal", kwargs={"organisation": member.organisation.slug})


@pytest.mark.parametrize(("fallbacks", "still_in"), [([OLD], True), ([], False)])
def test_sessions_and_reset_links_survive_a_new_key_only_with_the_old_one_as_fallback(
    client, organisation, fallbacks, still_in
):
    member = MemberFactory(organisation=organisation)
    with override_settings(SECRET_KEY=OLD, SECRET_KEY_FALLBACKS=[]):
        assert client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}).status_code == 302
        assert client.get(_portal(member)).status_code == 200
        token = default_token_generator.make_token(member.user)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=fallbacks):
        assert (client.get(_portal(member)).status_code == 200) is still_in
        assert default_token_generator.check_token(member.user, token) is still_in
