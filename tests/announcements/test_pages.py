"""The announcement pages as people use them: a coordinator writes, checks how many it reaches and sends, and sees
how many have read each; a volunteer finds the unread ones on her start page until she reads them, and her messages
on their own page; nobody reads a message that is not hers, and a volunteer cannot write one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from announcements.models import Announcement, AnnouncementReceipt
from announcements.services import announcement_read, announcement_send
from members.gdpr import member_erase
from members.models import MemberStatus, Role
from notices.models import Notice
from tests.conftest import log_in
from tests.factories import LineFactory, MemberFactory, WishesFactory

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs) -> str:
    return reverse(f"announcements:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def send(organisation, author, title="Jourmöte", body="Torsdag kl 18.", **filters) -> Announcement:
    return announcement_send(organisation=organisation, author=author, title=title, body=body, **filters)


def nothing_sent() -> bool:
    return not (Announcement.objects.exists() or Notice.objects.filter(kind="announcement").exists())


FORM = {"title": "Jourmöte", "body": "Torsdag kl 18 i lokalen.", "statuses": ["active"]}


# -- the coordinator writes ------------------------------------------------------------------------------------


def test_she_checks_how_many_it_reaches_then_sends(client, organisation, coordinator, volunteer):
    MemberFactory(organisation=organisation, first_name="Bodil")
    log_in(client, coordinator)
    preview = client.post(url("write", organisation), {**FORM, "step": "preview"})
    assert preview.status_code == 200
    assert "Meddelandet når 2 personer." in text_of(preview)
    assert nothing_sent()
    hidden = dict(re.findall(r'name="(send_key|expected|audience)" value="([^"]*)"', preview.content.decode()))
    assert hidden["expected"] == "2"
    confirmed = {**FORM, **hidden, "step": "send"}
    sent = client.post(url("write", organisation), confirmed, follow=True)
    assert "Meddelandet är skickat till 2 personer." in text_of(sent)
    assert Announcement.objects.count() == 1
    # The same confirmation posted again (a double click, a resend) sends nothing more.
    client.post(url("write", organisation), confirmed)
    assert Announcement.objects.count() == 1
    assert Notice.objects.filter(kind="announcement").count() == 2


def test_filters_changed_after_the_check_are_counted_again_not_sent(client, organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation, name="Chatten")
    log_in(client, coordinator)
    preview = client.post(url("write", organisation), {**FORM, "step": "preview"})
    hidden = dict(re.findall(r'name="(send_key|expected|audience)" value="([^"]*)"', preview.content.decode()))
    response = client.post(url("write", organisation), {**FORM, **hidden, "lines": [line.pk], "step": "send"})
    assert "Filtren har ändrats sedan du kontrollerade dem." in text_of(response)
    assert "Ingen matchar filtren." in text_of(response)
    assert nothing_sent()


def test_nobody_matching_offers_no_send_button(client, organisation, coordinator, volunteer):
    log_in(client, coordinator)
    response = client.post(url("write", organisation), {**FORM, "statuses": ["paused"], "step": "preview"})
    assert "Ingen matchar filtren. Ändra dem för att nå någon." in text_of(response)
    assert 'value="send"' not in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"title": ""}, "Detta fält måste fyllas i."),
        ({"body": "x" * 1001}, "som mest 1000 tecken"),
        ({"title": "x" * 81}, "som mest 80 tecken"),
        ({"statuses": []}, "Välj minst en medlemsstatus."),
        ({"statuses": ["left"]}, "Välj ett giltigt alternativ."),
        ({"lines": ["²"]}, "Välj ett giltigt alternativ."),
        ({"lines": ["99999999999999999999999"]}, "Välj ett giltigt alternativ."),
        ({"qualified_for": "-1"}, "Välj ett giltigt alternativ."),
    ],
)
def test_bad_input_changes_nothing_and_says_why_in_swedish(client, organisation, coordinator, volunteer, changes, said):
    LineFactory(organisation=organisation)
    log_in(client, coordinator)
    for step in ("preview", "send"):
        response = client.post(
            url("write", organisation), {**FORM, **changes, "step": step, "send_key": "k" * 20, "expected": "1"}
        )
        assert response.status_code == 200
        assert said in text_of(response), text_of(response)
    assert nothing_sent()


def test_another_shelters_line_cannot_be_chosen(client, organisation, coordinator, volunteer, other_organisation):
    LineFactory(organisation=organisation)
    theirs = LineFactory(organisation=other_organisation)
    log_in(client, coordinator)
    for field in ("lines", "qualified_for"):
        response = client.post(url("write", organisation), {**FORM, field: theirs.pk, "step": "preview"})
        assert "Välj ett giltigt alternativ." in text_of(response)
    assert nothing_sent()


def test_a_volunteer_cannot_write(client, organisation, volunteer):
    log_in(client, volunteer)
    assert client.get(url("write", organisation)).status_code == 403
    assert client.post(url("write", organisation), {**FORM, "step": "preview"}).status_code == 403
    assert client.get(url("sent", organisation)).status_code == 403
    assert nothing_sent()


def test_another_shelters_coordinator_gets_404_everywhere(
    client, organisation, coordinator, volunteer, other_shelter_coordinator
):
    announcement = send(organisation, coordinator)
    log_in(client, other_shelter_coordinator)
    for name, kwargs in (("write", {}), ("sent", {}), ("mine", {}), ("read", {"pk": announcement.pk})):
        assert client.get(url(name, organisation, **kwargs)).status_code == 404, name
    assert client.post(url("write", organisation), {**FORM, "step": "preview"}).status_code == 404
    assert client.post(url("mark_read", organisation, pk=announcement.pk)).status_code == 404
    # Her own shelter's pages never show the other shelter's message either.
    own = other_shelter_coordinator.organisation
    assert client.get(url("read", own, pk=announcement.pk)).status_code == 404
    assert "Jourmöte" not in text_of(client.get(url("sent", own)))
    assert nothing_else_read()


def nothing_else_read() -> bool:
    return not AnnouncementReceipt.objects.filter(read_at__isnull=False).exists()


# -- the coordinators' list --------------------------------------------------------------------------------------


def test_the_list_says_how_many_have_read_each(client, organisation, coordinator, volunteer):
    bodil = MemberFactory(organisation=organisation, first_name="Bodil")
    MemberFactory(organisation=organisation, first_name="Cornelia")
    line = LineFactory(organisation=organisation, name="Chatten")
    announcement = send(organisation, coordinator, title="Jourmöte")
    announcement_read(announcement=announcement, member=bodil)
    announcement_read(announcement=announcement, member=volunteer)
    page = text_of(log_in(client, coordinator).get(url("sent", organisation)))
    assert "Jourmöte" in page and "Läst av 2 av 3" in page
    assert f"av {coordinator.first_name}" in page
    # Whom it went to, in filters, never by name.
    assert "Alla linjer" in page and "Aktiv" in page
    assert "Bodil" not in page and "Cornelia" not in page
    assert line.name not in page


def test_a_message_written_by_an_erased_coordinator_is_signed_a_coordinator(client, organisation, coordinator):
    writer = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Greta")
    reader = MemberFactory(organisation=organisation, first_name="Vera")
    announcement = send(organisation, writer)
    writer.status = MemberStatus.LEFT
    writer.save()
    member_erase(member=writer, by=MemberFactory(organisation=organisation, role=Role.ADMIN))
    page = text_of(log_in(client, coordinator).get(url("sent", organisation)))
    assert "av en samordnare" in page and "Greta" not in page and "Raderad" not in page
    client.force_login(reader.user)
    page = text_of(client.get(url("read", organisation, pk=announcement.pk)))
    assert "från en samordnare" in page and "Raderad" not in page


# -- the volunteer reads -----------------------------------------------------------------------------------------


def test_her_start_page_shows_an_unread_message_until_she_reads_it(client, organisation, coordinator, volunteer):
    announcement = send(organisation, coordinator, title="Jourmöte i maj")
    log_in(client, volunteer)
    portal = client.get(reverse("members:portal", kwargs={"organisation": organisation.slug})).content.decode()
    assert f'hx-get="{url("unread", organisation)}"' in portal
    unread = text_of(client.get(url("unread", organisation)))
    assert "Nya meddelanden" in unread and "Jourmöte i maj" in unread
    page = text_of(client.get(url("read", organisation, pk=announcement.pk)))
    assert "Jourmöte i maj" in page and "Torsdag kl 18." in page
    assert "Det går inte att svara på meddelandet." in page
    assert client.get(url("unread", organisation)).content.decode().strip() == ""
    assert AnnouncementReceipt.objects.get(member=volunteer).read_at is not None


def test_she_can_mark_it_read_from_her_start_page(client, organisation, coordinator, volunteer):
    first = send(organisation, coordinator, title="Första")
    second = send(organisation, coordinator, title="Andra")
    log_in(client, volunteer)
    # With htmx, the panel comes back without it; without JavaScript, back to her start page.
    answer = client.post(url("mark_read", organisation, pk=first.pk), HTTP_HX_REQUEST="true")
    assert "Första" not in text_of(answer) and "Andra" in text_of(answer)
    answer = client.post(url("mark_read", organisation, pk=second.pk))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("members:portal", kwargs={"organisation": organisation.slug})
    assert client.get(url("unread", organisation)).content.decode().strip() == ""
    assert client.post(url("mark_read", organisation, pk=second.pk)).status_code == 302  # again: nothing changes


def test_her_messages_page_lists_hers_only_and_marks_the_unread(client, organisation, coordinator, volunteer):
    bodil = MemberFactory(organisation=organisation, first_name="Bodil")
    read = send(organisation, coordinator, title="Läst redan")
    send(organisation, coordinator, title="Ny nyhet")
    line = LineFactory(organisation=organisation)
    WishesFactory(member=bodil).lines.add(line)
    send(organisation, coordinator, title="Bara för Bodil", lines=[line])
    announcement_read(announcement=read, member=volunteer)
    page = text_of(log_in(client, volunteer).get(url("mine", organisation)))
    assert "Läst redan" in page and "Ny nyhet" in page
    assert page.count("Oläst") == 1
    assert "Bara för Bodil" not in page
    assert "Bodil" not in page  # no recipient list, ever


def test_a_message_she_did_not_get_is_a_404(client, organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation)
    other = MemberFactory(organisation=organisation)
    WishesFactory(member=other).lines.add(line)
    theirs = send(organisation, coordinator, lines=[line])
    log_in(client, volunteer)
    assert client.get(url("read", organisation, pk=theirs.pk)).status_code == 404
    assert client.post(url("mark_read", organisation, pk=theirs.pk)).status_code == 404
    assert client.get(url("read", organisation, pk=2**70)).status_code == 404
    assert not AnnouncementReceipt.objects.filter(read_at__isnull=False).exists()


def test_her_link_from_a_notice_leads_to_her_copy_behind_her_login(client, organisation, coordinator, volunteer):
    announcement = send(organisation, coordinator)
    link = reverse("announcement_open", kwargs={"pk": announcement.pk})
    assert organisation.slug not in link
    assert "/accounts/login/" in client.get(link)["Location"]
    log_in(client, volunteer)
    assert client.get(link)["Location"] == url("read", organisation, pk=announcement.pk)
    log_in(client, coordinator)  # she did not get it
    assert client.get(link).status_code == 404
    assert client.get(reverse("announcement_open", kwargs={"pk": 2**70})).status_code == 404


# -- query counts --------------------------------------------------------------------------------------------------


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_lists_cost_the_same_queries_for_few_or_many(client, organisation, coordinator, volunteer):
    lines = [LineFactory(organisation=organisation, name=f"Linje {n}") for n in range(3)]
    WishesFactory(member=volunteer).lines.add(*lines)

    def grow(messages: int, readers: int) -> None:
        for member in MemberFactory.create_batch(readers, organisation=organisation):
            WishesFactory(member=member).lines.add(*lines)
        for n in range(messages):
            announcement = send(organisation, coordinator, title=f"Nr {n}", lines=lines[: 1 + n % 3])
            for receipt in announcement.receipts.all()[: n % 4]:
                announcement_read(announcement=announcement, member=receipt.member)

    grow(2, 2)
    log_in(client, coordinator)
    small = {name: queries(client, url(name, organisation)) for name in ("sent", "write")}
    log_in(client, volunteer)
    small |= {name: queries(client, url(name, organisation)) for name in ("mine", "unread")}
    grow(12, 10)
    log_in(client, coordinator)
    large = {name: queries(client, url(name, organisation)) for name in ("sent", "write")}
    log_in(client, volunteer)
    large |= {name: queries(client, url(name, organisation)) for name in ("mine", "unread")}
    assert small == large, (small, large)


# -- whatever the query string ---------------------------------------------------------------------------------

ODD_QUERIES = [
    "page=²",
    "page=-1",
    "page=99999999999999999999999",
    "page=%00",
    "page=٣&page=2",
    "%ff=%zz&&=",
    "title=x&statuses=left&lines=²",
]


def test_no_query_string_makes_a_page_fail(client, organisation, coordinator, volunteer):
    announcement = send(organisation, coordinator)
    log_in(client, coordinator)
    for name in ("sent", "write"):
        for query in ODD_QUERIES:
            assert client.get(f"{url(name, organisation)}?{query}").status_code == 200, (name, query)
    log_in(client, volunteer)
    pages = [url("mine", organisation), url("unread", organisation), url("read", organisation, pk=announcement.pk)]
    for path in pages:
        for query in ODD_QUERIES:
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)
