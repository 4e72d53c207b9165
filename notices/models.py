"""The outbox's rows: one Notice per message to one person, and the periodic processes' heartbeats."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push notification")


class Topic(models.TextChoices):
    """What a notice is about, as a volunteer chooses her channels (each NoticeKind names its topic)."""

    REMINDERS = "reminders", _("Reminders")
    CALLOUTS = "callouts", _("Call-outs")
    CHANGES = "changes", _("Changes to my shifts")
    ANNOUNCEMENTS = "announcements", _("Announcements")
    ACCOUNT = "account", _("My membership")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DROPPED = "dropped", _("Dropped")
    # Handed to the mail server or SMS provider, but never recorded as sent (the worker died or the answer
    # never came): it may or may not have been delivered, so it is never sent again, by beat or by a person.
    IN_DOUBT = "in_doubt", _("May have been sent")
    # The provider's delivery report said the message reached the phone (SMS).
    DELIVERED = "delivered", _("Delivered")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_organisation(self, organisation: Organisation) -> NoticeQuerySet:
        return self.filter(organisation=organisation)

    def due(self, now: datetime) -> NoticeQuerySet:
        return self.filter(status=NoticeStatus.PENDING, due_at__lte=now)


class Notice(models.Model):
    """One notice to one person: the outbox every message in Jourplan goes through.

    A row is created once per (kind, recipient, object, variant): `dedupe_key` is unique, so a
    second scan or a retried task cannot plan the same notice twice. The content is rendered at
    send time from the current data by its kind (notices.kinds, settings.NOTICE_KINDS), which may drop it.
    """

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    variant = models.CharField(max_length=60, blank=True, help_text="e.g. the reminder offset")
    dedupe_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The provider's id for the message (46elks's SMS id), matched by its delivery report.
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notice_due_idx"),
            models.Index(fields=["organisation", "status", "due_at"], name="notice_org_status_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="notice_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.status})"


class Heartbeat(models.Model):
    """When a periodic process (beat, the worker) last proved it runs; shown on /healthz."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"


class ChannelChoice(models.Model):
    """One channel she wants notices of one topic by. No row for a topic: her default (Member.notice_channel)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="channel_choices")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")
        constraints = [
            models.UniqueConstraint(fields=["member", "topic", "channel"], name="channel_choice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.topic} → {self.channel}"


class PushDevice(models.Model):
    """A browser on one of her devices that she let Jourplan send push notifications to (Web Push, VAPID).

    Forgotten when she removes it or the push service answers 404/410 for it."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="push_devices")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    label = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push device")
        verbose_name_plural = _("push devices")
        constraints = [models.UniqueConstraint(fields=["member", "endpoint"], name="push_device_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.label or self.pk}"
