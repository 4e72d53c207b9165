"""The announcement's notice: discreet on a lock screen ("Jourplan: nytt meddelande. Läs i Jourplan." and a link that
names no shelter), the text only in the e-mail's body, in her language; sent through the outbox on her channels."""

import re

import pytest
from django.core import mail
from django.utils import translation

from announcements.notices import AnnouncementSent
from announcements.services import announcement_send
from members.models import MemberStatus
from notices.models import Notice, NoticeStatus, Topic
from notices.outbox import notice_send
from tests.factories import LineFactory, MemberFactory, WishesFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/messages/\d+/)")


def test_the_notice_is_discreet_and_in_her_language(organisation, coordinator):
    line = LineFactory(organisation=organisation, name="Stödchatten för kvinnor")
    nora = MemberFactory(organisation=organisation, first_name="Nora", language="sv")
    WishesFactory(member=nora).lines.add(line)
    announcement = announcement_send(
        organisation=organisation,
        author=coordinator,
        title="Jourmöte & fika",
        body="Torsdag kl 18 i lokalen.\nVälkomna!",
        lines=[line],
    )
    notice = Notice.objects.get(kind="announcement", recipient=nora)
    message = AnnouncementSent().render(notice)
    assert message.subject == "Jourplan: nytt meddelande"
    assert message.sms.startswith("Jourplan: nytt meddelande. Läs i Jourplan. http")
    path = LINK.search(message.sms).group(1)
    assert path == f"/messages/{announcement.pk}/"
    # The e-mail's body carries the title and the text as written (not HTML-escaped) and the same link.
    assert message.text.startswith("Jourmöte & fika\n\nTorsdag kl 18 i lokalen.\nVälkomna!")
    assert LINK.search(message.text).group(1) == path
    assert "Det går inte att svara på meddelandet" in message.text
    lock_screen = message.subject + message.sms
    for secret in (organisation.name, organisation.slug, line.name, coordinator.first_name, "Jourmöte", "Nora"):
        assert secret not in lock_screen, secret
    for secret in (organisation.name, organisation.slug, line.name, coordinator.first_name):
        assert secret not in message.text, secret
    with translation.override("en"):
        english = AnnouncementSent().render(notice)
    assert english.subject == "Jourplan: new message"
    assert english.sms.startswith("Jourplan: new message. Read it in Jourplan. http")


def test_the_kind_names_its_topic_and_its_planner():
    assert AnnouncementSent.topic == Topic.ANNOUNCEMENTS
    assert AnnouncementSent.planned_by == "announcements.services.announcement_send"


def test_it_goes_out_by_e_mail_once_and_is_dropped_for_someone_who_left(organisation, coordinator):
    anna = MemberFactory(organisation=organisation, first_name="Anna")
    lova = MemberFactory(organisation=organisation, first_name="Lova")
    announcement_send(organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag kl 18.")
    lova.status = MemberStatus.LEFT
    lova.save()
    for notice in Notice.objects.filter(kind="announcement"):
        notice_send(notice_id=notice.pk)
    assert Notice.objects.get(recipient=anna).status == NoticeStatus.SENT
    assert Notice.objects.get(recipient=lova).status == NoticeStatus.DROPPED
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [anna.user.email]
    assert sent.subject == "Jourplan: nytt meddelande"
    assert "Torsdag kl 18." in sent.body
    assert organisation.name not in sent.subject + sent.body
