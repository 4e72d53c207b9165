"""Announcements in a member's GDPR export and erasure: her copies (and what she wrote) are in her export; erasing
her removes her copies, and what she wrote stays the shelter's, signed "en samordnare"."""

import pytest
from django.urls import reverse

from announcements.gdpr import export_announcements
from announcements.models import Announcement, AnnouncementReceipt
from announcements.selectors import author_name
from announcements.services import announcement_read, announcement_send
from members.gdpr import member_erase, member_export
from members.models import MemberStatus, Role
from tests.conftest import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def greta(organisation):
    return MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Greta")


def test_her_export_lists_the_messages_she_got_and_read(organisation, greta, volunteer):
    read = announcement_send(organisation=organisation, author=greta, title="Jourmöte", body="Torsdag kl 18.")
    announcement_send(organisation=organisation, author=greta, title="Sommarchatten", body="Anmäl dig.")
    announcement_read(announcement=read, member=volunteer)
    section = member_export(volunteer)["announcements"]
    assert [(row["title"], row["message"], row["read_at"] is not None) for row in section["received"]] == [
        ("Jourmöte", "Torsdag kl 18.", True),
        ("Sommarchatten", "Anmäl dig.", False),
    ]
    assert section["written"] == []
    assert [(row["title"], row["recipients"]) for row in export_announcements(greta)["written"]] == [
        ("Jourmöte", 1),
        ("Sommarchatten", 1),
    ]


def test_her_data_page_shows_them_in_words(client, organisation, greta, volunteer):
    announcement_send(organisation=organisation, author=greta, title="Jourmöte", body="Torsdag kl 18.")
    page = log_in(client, volunteer).get(reverse("members:my_data", kwargs={"organisation": organisation.slug}))
    text = page.content.decode()
    assert "Meddelanden du har fått" in text and "Jourmöte" in text and "Rubrik" in text


def test_erasing_her_removes_her_copies(organisation, greta, volunteer, admin_member):
    announcement = announcement_send(organisation=organisation, author=greta, title="Jourmöte", body="Torsdag.")
    other = MemberFactory(organisation=organisation)
    AnnouncementReceipt.objects.create(announcement=announcement, member=other)
    volunteer.status = MemberStatus.LEFT
    volunteer.save()
    member_erase(member=volunteer, by=admin_member)
    assert not AnnouncementReceipt.objects.filter(member=volunteer).exists()
    assert AnnouncementReceipt.objects.filter(member=other).exists()


def test_an_erased_author_shows_as_a_coordinator(organisation, greta, volunteer, admin_member):
    announcement = announcement_send(organisation=organisation, author=greta, title="Jourmöte", body="Torsdag.")
    assert author_name(announcement) == "Greta"
    greta.status = MemberStatus.LEFT
    greta.save()
    member_erase(member=greta, by=admin_member)
    announcement = Announcement.objects.get(pk=announcement.pk)
    assert announcement.author is None
    assert author_name(announcement) == "en samordnare"
    # The message itself stays the shelter's: its readers keep it.
    assert AnnouncementReceipt.objects.filter(announcement=announcement, member=volunteer).exists()
