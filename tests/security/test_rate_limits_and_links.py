"""Guessing and replay: login and reset rate limits, calendar-feed tokens, single-use reset links."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from members.services import member_mark_left
from shifts.feeds import calendar_token_renew
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth keeps its counters in the cache; start each test from zero
    yield
    cache.clear()


def _errors(response) -> str:
    return " ".join(re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def test_five_failed_logins_lock_the_address_even_for_the_right_password(client, volunteer):
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "fel-lösenord"})
        assert "stämmer inte" in _errors(response)
    refused = client.post(reverse("account_login"), {"login": volunteer.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "För många misslyckade inloggningsförsök" in _errors(refused)
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_are_limited_per_address(client, volunteer):
    for _attempt in range(5):
        assert client.post(reverse("account_reset_password"), {"email": volunteer.email}).status_code == 302
    assert len(mail.outbox) == 5
    refused = client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert refused.status_code == 429
    assert len(mail.outbox) == 5  # no sixth mail: nobody can flood her inbox


def _reset_link(client, email) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    return re.search(r"http://\S+", mail.outbox[-1].body).group(0)


def test_a_reset_link_works_once(client, volunteer):
    link = _reset_link(client, volunteer.email)
    page = client.get(link, follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(action, {"password1": "ett-nytt-långt-lösenord-3", "password2": "ett-nytt-långt-lösenord-3"})
    assert done.status_code == 302
    client.logout()
    again = client.get(link, follow=True)
    assert "Länken fungerar inte längre" in again.content.decode()


def test_the_reset_mail_names_no_shelter(client, volunteer, organisation):
    _reset_link(client, volunteer.email)
    message = mail.outbox[-1]
    assert organisation.name not in message.subject and organisation.name not in message.body


def _feed(organisation, token):
    return reverse("shifts:calendar_feed", kwargs={"organisation": organisation.slug, "token": token})


def test_calendar_feed_requests_are_rate_limited_per_token(client, organisation, volunteer):
    token = calendar_token_renew(member=volunteer)
    for _request in range(30):
        assert client.get(_feed(organisation, token)).status_code == 200
    limited = client.get(_feed(organisation, token))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"


def test_guessing_calendar_tokens_is_rate_limited_per_address(client, organisation, volunteer):
    statuses = [client.get(_feed(organisation, f"gissning-{n:04d}-" + "x" * 30)).status_code for n in range(121)]
    assert statuses[:120] == [404] * 120
    assert statuses[120] == 429
    # Even the right token is refused from that address for the rest of the minute.
    assert client.get(_feed(organisation, calendar_token_renew(member=volunteer))).status_code == 429


def test_a_member_who_left_loses_her_calendar_feed(client, organisation, volunteer):
    token = calendar_token_renew(member=volunteer)
    assert client.get(_feed(organisation, token)).status_code == 200
    member_mark_left(member=volunteer)
    assert client.get(_feed(organisation, token)).status_code == 404
