"""Language and discretion (issue 6, point 5): a notice is rendered in the member's language with
translation.override, and its subject never names the shelter."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from core.models import User
from notices import outbox as notices
from notices.models import Channel, NoticeStatus, Topic
from shifts.notices import start_stamp
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory
from tests.sms import RECORDING, RecordingSmsBackend


def invited(organisation, language, **extra):
    user = User.objects.create_user(email=f"ny-{language}@example.org")
    return MemberFactory(
        organisation=organisation, user=user, email=user.email, first_name="Nora", language=language, **extra
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("sv", "Jourplan: din inbjudan", "Hej Nora"), ("en", "Jourplan: your invitation", "Hello Nora")],
)
def test_a_notice_is_rendered_in_her_language(organisation, language, subject, greeting):
    member = invited(organisation, language)
    notice = notices.notice_plan(recipient=member, kind="invitation")
    with translation.override("sv" if language == "en" else "en"):  # whatever the worker's language is
        assert notices.notice_send(notice_id=notice.pk) == NoticeStatus.SENT
    (message,) = mail.outbox
    assert message.subject == subject
    assert greeting in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_subjects_and_sms_never_name_the_shelter(organisation, language, settings):
    """An invitation (always by e-mail: it carries a link into her login) and a shift reminder by SMS (a topic her
    shelter allows SMS for): neither names the shelter, nor her."""
    settings.SMS_BACKEND = RECORDING
    RecordingSmsBackend.clear()
    organisation.sms_topics = [Topic.REMINDERS]
    organisation.save(update_fields=["sms_topics"])
    by_mail = invited(organisation, language)
    notices.notice_send(notice_id=notices.notice_plan(recipient=by_mail, kind="invitation").pk)
    user = User.objects.create_user(email=f"sms-{language}@example.org")
    by_sms = MemberFactory(
        organisation=organisation, user=user, email=user.email, language=language,
        notice_channel=Channel.SMS, phone="+46701234567",
    )  # fmt: skip
    shift = ShiftFactory(line=LineFactory(organisation=organisation), starts_at=timezone.now() + timedelta(hours=20))
    assignment = AssignmentFactory(shift=shift, member=by_sms)
    variant = f"1440:{start_stamp(shift.starts_at)}"
    reminder = notices.notice_plan(recipient=by_sms, kind="shift_reminder", subject=assignment, variant=variant)
    assert reminder.channel == Channel.SMS
    status = notices.notice_send(notice_id=reminder.pk)
    reminder.refresh_from_db()
    assert status == NoticeStatus.SENT, reminder.last_error
    (message,) = mail.outbox
    ((_, sms),) = RecordingSmsBackend.sent
    (options,) = RecordingSmsBackend.options
    RecordingSmsBackend.clear()
    assert options["sender"] == "Jourplan"
    assert message.subject.startswith("Jourplan: ")  # an SMS comes from the sender "Jourplan"
    for text in (message.subject, sms):
        assert organisation.name not in text
        assert "jour " not in text.lower().replace("jourplan", "")
        assert "Nora" not in text and by_sms.first_name not in text


@pytest.mark.django_db
def test_a_kind_label_is_translated(organisation):
    with translation.override("sv"):
        assert notices.kind_label("invitation") == "Inbjudan"
        assert notices.kind_label("shift_reminder") == "Påminnelse om pass"
    with translation.override("en"):
        assert notices.kind_label("shift_reminder") == "Shift reminder"
    assert notices.kind_label("unknown_kind") == "unknown_kind"
