"""The shelter's public interest form (issue 19): someone asks to join, the coordinators are told discreetly, she
gets a receipt; spam is held off without any third-party service; a coordinator's "Decline" erases her."""

import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import User
from members.gdpr import ERASED_FIRST_NAME
from members.interest import form_token
from members.models import Member, MemberStatus, Role
from notices.models import Notice
from notices.outbox import notice_send
from tests.factories import LineFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth keeps its counters in the cache
    yield
    cache.clear()


def _url(organisation) -> str:
    return reverse("members:join", kwargs={"organisation": organisation.slug})


def _form(organisation, **fields) -> dict:
    data = {
        "first_name": "Sara",
        "last_name": "Ek",
        "email": "sara@example.net",
        "phone": "",
        "kinds": ["prevention"],
        "text": "Jag vill gärna hjälpa till på kvällarna.",
        "website": "",
        "token": form_token(organisation, issued_at=time.time() - 30),  # the form was shown half a minute ago
    }
    data.update(fields)
    return data


def _page(response) -> str:
    """The page as a person sees it: the CSRF token (new on every page) masked."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', r"\1-", response.content.decode())


def _prospects(organisation):
    return Member.objects.filter(organisation=organisation, asked_to_join_at__isnull=False)


def test_the_form_offers_the_shelters_lines_by_kind_never_by_name(client, organisation):
    LineFactory(organisation=organisation, name="Boendet på Tallvägen", kind="housing")
    LineFactory(organisation=organisation, name="Stödtelefonen", kind="phone")
    response = client.get(_url(organisation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skyddat boende" in page and "line:housing" in page and "line:phone" in page
    assert "Tallvägen" not in page and "Stödtelefonen" not in page
    assert 'value="prevention"' in page and 'value="support_in_person"' in page and 'value="other"' in page


def test_a_sign_up_is_stored_and_the_coordinators_are_told_discreetly(
    client, organisation, coordinator, admin_member, volunteer, mailoutbox
):
    logins = User.objects.count()
    LineFactory(organisation=organisation, kind="chat")
    response = client.post(_url(organisation), _form(organisation, kinds=["line:chat", "prevention"]))
    assert response.status_code == 200
    assert "Tack, vi hör av oss" in response.content.decode()
    sara = _prospects(organisation).get()
    assert (sara.first_name, sara.last_name, sara.email) == ("Sara", "Ek", "sara@example.net")
    assert sara.status == MemberStatus.PROSPECTIVE and sara.role == Role.VOLUNTEER and sara.user is None
    assert sara.interest_kinds == ["line:chat", "prevention"]
    assert sara.interest_text == "Jag vill gärna hjälpa till på kvällarna."
    assert User.objects.count() == logins  # no login is made for her
    told = Notice.objects.filter(kind="interest_received")
    assert {notice.recipient for notice in told} == {coordinator, admin_member}  # not the volunteer
    notice_send(notice_id=told.get(recipient=coordinator).pk)
    (message,) = mailoutbox
    assert message.to == [coordinator.user.email]
    assert message.subject == "Jourplan: en ny intresseanmälan"
    assert organisation.name not in message.subject + message.body
    assert "Sara" not in message.subject + message.body  # her name is behind the coordinator's login
    assert f"/testjouren/members/{sara.pk}/" in message.body
    # Her page shows what she asked for.
    from tests.conftest import log_in

    log_in(client, coordinator)
    page = client.get(reverse("members:member_detail", kwargs={"organisation": "testjouren", "pk": sara.pk}))
    assert "Chatt" in page.content.decode() and "kvällarna" in page.content.decode()


def test_she_gets_a_discreet_receipt_by_e_mail(client, organisation, coordinator, mailoutbox):
    client.post(_url(organisation), _form(organisation))
    receipt = Notice.objects.get(kind="interest_receipt")
    notice_send(notice_id=receipt.pk)
    (message,) = mailoutbox
    assert message.to == ["sara@example.net"]
    assert message.subject == "Tack, vi hör av oss"
    assert organisation.name not in message.subject + message.body
    assert "jour" not in message.subject.lower()


def test_with_only_a_phone_number_she_is_stored_but_gets_no_receipt(client, organisation, coordinator):
    client.post(_url(organisation), _form(organisation, email="", phone="070-123 45 67"))
    sara = _prospects(organisation).get()
    assert str(sara.phone) == "+46701234567"
    assert not Notice.objects.filter(kind="interest_receipt").exists()
    assert Notice.objects.filter(kind="interest_received", recipient=coordinator).exists()


def test_a_flood_from_one_address_stores_at_most_five(client, organisation, coordinator):
    for attempt in range(8):
        response = client.post(
            _url(organisation), _form(organisation, email=f"flood{attempt}@example.net"), REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 200 and "Tack, vi hör av oss" in response.content.decode()
    assert _prospects(organisation).count() == 5
    client.post(_url(organisation), _form(organisation), REMOTE_ADDR="203.0.113.8")  # someone else still can
    assert _prospects(organisation).count() == 6


def test_the_coordinators_are_never_mailed_more_than_the_cap_a_day(client, organisation, coordinator, settings):
    settings.INTEREST_NOTICES_PER_DAY = 3
    settings.INTEREST_PER_SHELTER_PER_DAY = 6
    for number in range(10):
        client.post(
            _url(organisation),
            _form(organisation, email=f"many{number}@example.net"),
            REMOTE_ADDR=f"198.51.100.{number}",
        )
    assert _prospects(organisation).count() == 6  # stored up to the shelter's cap, the rest dropped quietly
    assert Notice.objects.filter(kind="interest_received", recipient=coordinator).count() == 3


def test_asking_twice_or_as_a_member_stores_nothing_new_and_looks_the_same(client, organisation, volunteer):
    first = _page(client.post(_url(organisation), _form(organisation)))
    again = _page(client.post(_url(organisation), _form(organisation, email="SARA@example.net")))
    as_member = _page(client.post(_url(organisation), _form(organisation, email=volunteer.email)))
    assert first == again == as_member
    assert _prospects(organisation).count() == 1
    assert Notice.objects.filter(kind="interest_receipt").count() == 1


@pytest.mark.parametrize(
    "guard",
    [
        {"website": "http://spam.example"},  # the honeypot
        "too fast",
        "too old",
        {"token": "forged"},
        "other shelter",
    ],
)
def test_a_script_is_refused_quietly_with_the_same_page(client, organisation, other_organisation, coordinator, guard):
    accepted = _page(client.post(_url(organisation), _form(organisation, email="a@example.net")))
    if guard == "too fast":
        fields = {"token": form_token(organisation, issued_at=time.time() - 1)}
    elif guard == "too old":
        fields = {"token": form_token(organisation, issued_at=time.time() - 2 * 86400)}
    elif guard == "other shelter":
        fields = {"token": form_token(other_organisation, issued_at=time.time() - 30)}
    else:
        fields = guard
    refused = client.post(_url(organisation), _form(organisation, email="b@example.net", **fields))
    assert refused.status_code == 200
    assert _page(refused) == accepted
    assert list(_prospects(organisation).values_list("email", flat=True)) == ["a@example.net"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "", "phone": ""}, "Ange en e-postadress eller ett telefonnummer"),
        ({"phone": "12"}, "telefonnummer"),
        ({"email": "inte-en-adress"}, "giltig e-postadress"),
        ({"first_name": "  "}, "Detta fält måste fyllas i"),
        ({"text": "x" * 2001}, "2000"),
        (
            {"kinds": ["line:housing"]},
            "Välj bland de uppgifter som finns i formuläret",
        ),  # the shelter runs no housing line
    ],
)
def test_bad_input_gets_a_swedish_message_and_stores_nothing(client, organisation, coordinator, fields, message):
    response = client.post(_url(organisation), _form(organisation, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not _prospects(organisation).exists()
    assert not Notice.objects.exists()


def test_an_unknown_shelter_is_404(client):
    assert client.get("/ingen-sadan-jour/join/").status_code == 404
    assert client.post("/ingen-sadan-jour/join/", {"first_name": "x"}).status_code == 404


def test_the_page_loads_nothing_from_elsewhere_under_a_strict_policy(client, organisation):
    response = client.get(_url(organisation))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy or "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[-1].split(";", 1)[0]
    assert not re.search(r'(src|href)="(https?:)?//', response.content.decode())
    assert "<script>" not in response.content.decode()


def test_declining_erases_her_in_one_step(client, organisation, coordinator, mailoutbox):
    from tests.conftest import log_in

    client.post(_url(organisation), _form(organisation))
    sara = _prospects(organisation).get()
    log_in(client, coordinator)
    page = client.get(reverse("members:member_detail", kwargs={"organisation": "testjouren", "pk": sara.pk}))
    assert "Avböj" in page.content.decode()
    response = client.post(reverse("members:member_decline", kwargs={"organisation": "testjouren", "pk": sara.pk}))
    assert response.status_code == 302
    sara.refresh_from_db()
    assert sara.erased_at is not None and sara.status == MemberStatus.LEFT
    assert sara.first_name == ERASED_FIRST_NAME and sara.email == "" and not sara.phone
    assert sara.interest_text == "" and sara.interest_kinds == []
    assert not Notice.objects.filter(recipient=sara).exists()
    # The coordinators' notice about her, not yet sent, goes nowhere now.
    told = Notice.objects.get(kind="interest_received", recipient=coordinator)
    notice_send(notice_id=told.pk)
    told.refresh_from_db()
    assert told.status == "dropped" and not mailoutbox


def test_only_someone_who_asked_through_the_form_can_be_declined(coordinator_client, organisation):
    volunteer = MemberFactory(organisation=organisation, status=MemberStatus.PROSPECTIVE)
    response = coordinator_client.post(
        reverse("members:member_decline", kwargs={"organisation": "testjouren", "pk": volunteer.pk})
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.erased_at is None and volunteer.status == MemberStatus.PROSPECTIVE
