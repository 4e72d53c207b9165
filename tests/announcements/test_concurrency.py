"""The same confirmed send arriving twice at the same moment (a double tap on a slow phone, a proxy's retry) makes one
message and plans its notices once (PostgreSQL, real connections)."""

from collections import Counter

import pytest
from django.db import connection

from announcements.models import Announcement, AnnouncementReceipt
from announcements.services import announcement_send
from members.models import Role
from notices.models import Notice
from tests.concurrency import race, require_postgres
from tests.factories import MemberFactory, OrganisationFactory

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_send_repeated_at_the_same_moment_makes_one_message_and_one_notice_each():
    require_postgres("the unique key is raced by parallel connections")
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    MemberFactory.create_batch(5, organisation=organisation)

    def send(_attempt):
        announcement = announcement_send(
            organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag.", send_key="s" * 22
        )
        return str(announcement.pk)

    outcomes = race(range(THREADS), send)
    assert len(set(outcomes)) == 1
    assert Announcement.objects.count() == 1
    assert AnnouncementReceipt.objects.count() == 5
    per_recipient = Counter(Notice.objects.filter(kind="announcement").values_list("recipient_id", "channel"))
    assert len(per_recipient) == 5 and set(per_recipient.values()) == {1}
