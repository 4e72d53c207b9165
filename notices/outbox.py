"""The notification outbox: planning notices, rendering them from current data, sending each exactly once.

Each kind of notice is a class (notices.kinds.NoticeKind) listed in settings.NOTICE_KINDS: beat's scan asks
every kind to plan what has fallen due, and sending asks the notice's kind whether it is obsolete, then to
render it. `notices` imports no app above it: it reads that list.

Exactly once: a row is claimed by a conditional UPDATE (pending → sending) before anything is sent, so a
duplicate task, a retry or a second worker finds nothing to claim. The one window that remains: the mail
server accepted the message and the worker died before marking the row sent. Such a row stays "sending";
after SENDING_LEASE it is recorded "in doubt", never re-sent, by beat or by a coordinator (see docs/notices.md).
A worker that delivered a notice records it first, retrying that UPDATE across a reconnect, so a database that
blinks after the mail was accepted does not open that window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from time import sleep
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .channels import DeliveryInDoubt, PermanentDeliveryError, get_sms_backend
from .kinds import kind_for
from .models import Channel, ChannelChoice, Notice, NoticeStatus, PushDevice, Topic
from .sms import report_url, sms_sender

if TYPE_CHECKING:  # the recipient is a member of the register (members imports notices, never the reverse)
    from core.models import Organisation
    from members.models import Member

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SENDING_LEASE = timedelta(minutes=15)
# Recording what happened to a claimed notice survives a database that blinks: the UPDATE is retried on a new
# connection up to RECORD_ATTEMPTS times, waiting RECORD_BACKOFF, then twice that, ... (about 3 s in all).
RECORD_ATTEMPTS = 5
RECORD_BACKOFF = 0.2


@dataclass
class Message:
    subject: str
    text: str
    html: str = ""
    sms: str = ""


class DropNotice(Exception):  # noqa: N818  (a control-flow signal, not an error)
    """Raised by a kind's renderer when the data it needs vanished while rendering (the kind's
    `is_obsolete`, asked first, covers a notice that no longer applies), or when there is no address."""


STALE_CLAIM_REASON = "Worker stopped while sending; the notice may or may not have been delivered."
OBSOLETE_REASON = "The notice no longer applies."

# Channels in the order they are planned, shown, and fallen back on (e-mail first: it is always possible).
CHANNELS: tuple[str, ...] = (Channel.EMAIL, Channel.SMS, Channel.PUSH)
# Notices about her membership and login (an invitation's set-password link, the pledge, a coordinator's digest)
# always go by e-mail, whatever she chose: a link into her login in an SMS or on a lock screen opens it to whoever
# holds the phone.
EMAIL_ONLY_TOPICS = frozenset({Topic.ACCOUNT})
# Channels that wait for the end of her quiet hours; e-mail is never postponed.
QUIET_CHANNELS = frozenset({Channel.SMS, Channel.PUSH})
# A row of a notice in one of these has gone, or still will go, to her: another channel's row of the same notice
# that can no longer be sent gives way to it instead of moving to another channel.
_LIVE_STATUSES = (
    NoticeStatus.PENDING,
    NoticeStatus.SENDING,
    NoticeStatus.SENT,
    NoticeStatus.IN_DOUBT,
    NoticeStatus.DELIVERED,
)


def kind_label(kind: str) -> str:
    """What a coordinator reads for a kind on the outbox page (its kind's label, translated); an unknown
    kind shows its slug."""
    found = kind_for(kind)
    return str(found.label) if found is not None else kind


def render_template_message(template: str, context: dict[str, Any]) -> Message:
    """Render notices/<template>_subject.txt, _body.txt, _body.html (optional) and _sms.txt (optional)."""
    subject = " ".join(render_to_string(f"notices/{template}_subject.txt", context).split())
    text = render_to_string(f"notices/{template}_body.txt", context)
    html = render_to_string(f"notices/{template}_body.html", context) if _exists(f"{template}_body.html") else ""
    sms = render_to_string(f"notices/{template}_sms.txt", context).strip() if _exists(f"{template}_sms.txt") else ""
    return Message(subject=subject, text=text, html=html, sms=sms or subject)


def _exists(name: str) -> bool:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template(f"notices/{name}")
    except TemplateDoesNotExist:
        return False
    return True


def dedupe_key(
    *,
    kind: str,
    recipient_id: int,
    subject: models.Model | None = None,
    variant: str = "",
    channel: str = Channel.EMAIL,
) -> str:
    """`kind:recipient:object:variant`, and `@sms` / `@push` for those channels' rows (an e-mail row's key is the
    bare one, as every row's was before channels were chosen per topic)."""
    if subject is not None:
        ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
        about = f"{ct.pk}:{subject.pk}"
    else:
        about = "-"
    return _channel_key(f"{kind}:{recipient_id}:{about}:{variant}", channel)


def _channel_key(base: str, channel: str) -> str:
    return base if channel == Channel.EMAIL else f"{base}@{channel}"


def _base_key(key: str) -> str:
    for channel in CHANNELS:
        if channel != Channel.EMAIL and key.endswith(f"@{channel}"):
            return key[: -len(channel) - 1]
    return key


def channel_keys(key: str) -> list[str]:
    """The dedupe keys of every channel's row of the notice whose row (on any channel) has `key`."""
    base = _base_key(key)
    return [_channel_key(base, channel) for channel in CHANNELS]


@dataclass(frozen=True)
class Reach:
    """What decides the channels that reach one member: the channels she chose per topic (a topic missing: her
    default, Member.notice_channel), the topics her shelter allows SMS for, and whether she has a push device."""

    chosen: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sms_topics: frozenset[str] = frozenset()
    has_push: bool = False


def channel_refusal(member: Member, topic: str | None, channel: str, reach: Reach) -> str:
    """Why `channel` cannot carry a notice of `topic` to her now ("" when it can). E-mail always can."""
    if channel == Channel.EMAIL:
        return ""
    if topic in EMAIL_ONLY_TOPICS:
        return "Notices about her membership and login always go by e-mail."
    if channel == Channel.SMS:
        if not member.phone:
            return "She has no phone number."
        if topic is not None and topic not in reach.sms_topics:
            return "Her shelter does not send these notices by SMS."
        return ""
    if channel == Channel.PUSH:
        return "" if reach.has_push else "She has no device for push notifications."
    return f"Unknown channel {channel!r}."


def delivery_channels(member: Member, topic: str | None, reach: Reach) -> list[str]:
    """The channels a notice of `topic` goes to her by, one Notice row each: those she wants for the topic (her
    choice, or her default channel when she chose none) that are possible — e-mail always; SMS when she has a
    phone number and her shelter allows SMS for the topic; push when she has a device — or e-mail when none
    remains. A topic in EMAIL_ONLY_TOPICS goes by e-mail only; a kind without a topic by her default channel."""
    if topic in EMAIL_ONLY_TOPICS:
        return [Channel.EMAIL]
    wanted = (reach.chosen.get(topic) if topic is not None else None) or {member.notice_channel}
    possible = [
        channel for channel in CHANNELS if channel in wanted and not channel_refusal(member, topic, channel, reach)
    ]
    return possible or [Channel.EMAIL]


def reach_of(members: Iterable[Member], topics: Iterable[str | None]) -> dict[int, Reach]:
    """Each member's Reach for `topics`, in one query (none when every topic goes by e-mail only)."""
    topics = {topic for topic in topics if topic not in EMAIL_ONLY_TOPICS}
    ids = {member.pk for member in members}
    if not ids or not topics:
        return {}
    chosen_topics = sorted(topic for topic in topics if topic is not None)
    flags: dict[str, Any] = {"has_push": Exists(PushDevice.objects.filter(member_id=OuterRef("pk")))}
    for topic in chosen_topics:
        for channel in CHANNELS:
            flags[f"wants_{topic}_{channel}"] = Exists(
                ChannelChoice.objects.filter(member_id=OuterRef("pk"), topic=topic, channel=channel)
            )
    # The register's Member, reached through the outbox's foreign key: notices imports no app above it.
    push_on = _push_enabled()
    member_model = Notice._meta.get_field("recipient").related_model
    rows = member_model._default_manager.filter(pk__in=ids).annotate(**flags)
    return {
        row["pk"]: Reach(
            chosen={
                topic: frozenset(channel for channel in CHANNELS if row[f"wants_{topic}_{channel}"])
                for topic in chosen_topics
            },
            sms_topics=frozenset(row["organisation__sms_topics"] or ()),
            has_push=row["has_push"] and push_on,
        )
        for row in rows.values("pk", "organisation__sms_topics", *flags)
    }


def _push_enabled() -> bool:
    """Push is a channel only while the installation has a VAPID key (production without one: push is off, and a
    member's devices are not used)."""
    from .push import push_enabled

    return push_enabled()


def _topic_of(kind: str) -> str | None:
    found = kind_for(kind)
    return str(found.topic) if found is not None and found.topic else None


def notice_plan(
    *,
    recipient: Member,
    kind: str,
    subject: models.Model | None = None,
    variant: str = "",
    due_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> Notice | None:
    """Plan one notice: one row per channel she gets the kind's topic by (delivery_channels). Returns the first
    row (the e-mail one when she gets it by e-mail), or None when the same (kind, recipient, object, variant) is
    already planned, on any channel."""
    (rows,) = _plan_rows(
        [
            {
                "recipient": recipient,
                "kind": kind,
                "subject": subject,
                "variant": variant,
                "due_at": due_at,
                "payload": payload,
            }
        ]
    )
    if Notice.objects.filter(dedupe_key__in=channel_keys(rows[0].dedupe_key)).exists():
        return None
    try:
        with transaction.atomic():
            for notice in rows:
                notice.save()
    except IntegrityError:
        return None
    return rows[0]


def notice_plan_many(rows: Iterable[dict[str, Any]]) -> int:
    """Plan many notices in bulk (each dict as notice_plan's keywords), one row per channel each; a notice already
    planned on any channel is left alone. Returns the number of notices planned (not rows). Two queries, three
    when a kind's topic lets her choose channels (her choices, devices and shelter's SMS topics, in one)."""
    planned = _plan_rows(rows)
    if not planned:
        return 0
    keys = [key for notices in planned for key in channel_keys(notices[0].dedupe_key)]
    existing = set(Notice.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh = [notices for notices in planned if existing.isdisjoint(channel_keys(notices[0].dedupe_key))]
    Notice.objects.bulk_create(
        [notice for notices in fresh for notice in notices], ignore_conflicts=True, batch_size=500
    )
    return len(fresh)


def _plan_rows(rows: Iterable[dict[str, Any]]) -> list[list[Notice]]:
    """The unsaved rows of each notice (one per channel), her choices and devices read for all in one query."""
    rows = list(rows)
    topics = {row["kind"]: _topic_of(row["kind"]) for row in rows}
    reach = reach_of(
        (row["recipient"] for row in rows if topics[row["kind"]] not in EMAIL_ONLY_TOPICS), topics.values()
    )
    return [
        [
            _build(**row, channel=channel)
            for channel in delivery_channels(
                row["recipient"], topics[row["kind"]], reach.get(row["recipient"].pk, Reach())
            )
        ]
        for row in rows
    ]


def _build(
    *,
    recipient: Member,
    kind: str,
    subject: models.Model | None = None,
    variant: str = "",
    due_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    channel: str = Channel.EMAIL,
) -> Notice:
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=True) if subject is not None else None
    return Notice(
        organisation_id=recipient.organisation_id,
        recipient=recipient,
        kind=kind,
        channel=channel,
        subject_type=subject_type,
        subject_id=subject.pk if subject is not None else None,
        variant=variant,
        dedupe_key=dedupe_key(kind=kind, recipient_id=recipient.pk, subject=subject, variant=variant, channel=channel),
        payload=dict(payload or {}),
        due_at=due_at or timezone.now(),
    )


def release_stale_claims(now: datetime) -> int:
    """A row left 'sending' by a worker that died may or may not have gone out: it is in doubt, never resent."""
    return Notice.objects.filter(status=NoticeStatus.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=NoticeStatus.IN_DOUBT,
        last_error=STALE_CLAIM_REASON,
    )


def due_notice_ids(now: datetime, limit: int = 1000) -> list[int]:
    return list(Notice.objects.due(now).order_by("due_at", "pk").values_list("pk", flat=True)[:limit])


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** min(attempts, 6))


def notice_send(*, notice_id: int, now: datetime | None = None) -> str:
    """Send one notice if it is still pending and due. Returns the status it ended in (or 'skipped').

    Guarantees: at most one caller claims a row; a notice its kind finds obsolete (or whose renderer raises
    DropNotice) is dropped with the reason, never sent; a delivery error puts it back with backoff until
    MAX_ATTEMPTS, then marks it failed; a delivered notice is recorded sent before anything else, the UPDATE
    retried across a reconnect; a channel that cannot tell (DeliveryInDoubt) leaves it in doubt. Raises only
    a database error that outlasted those retries (send_notices logs it and goes on with the next notice).
    """
    now = now or timezone.now()
    claimed = Notice.objects.filter(pk=notice_id, status=NoticeStatus.PENDING, due_at__lte=now).update(
        status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    try:
        message_or_status = _prepare(notice_id, now)
    except (OperationalError, InterfaceError) as exc:
        # The database blinked before anything left this worker: put the claim back for a later tick.
        logger.warning("Notice %s not sent now, the database failed before delivery: %s", notice_id, exc)
        error = str(exc)[:2000]
        _record(
            lambda: Notice.objects.filter(pk=notice_id, status=NoticeStatus.SENDING).update(
                status=NoticeStatus.PENDING, due_at=now + backoff(1), last_error=error
            )
        )
        return NoticeStatus.PENDING
    if isinstance(message_or_status, str):
        return message_or_status
    notice, message = message_or_status
    try:
        with translation.override(notice.recipient.language):
            provider_ref = _deliver(notice, message)
    except DropNotice as drop:
        return _finish(notice, NoticeStatus.DROPPED, error=str(drop))
    except DeliveryInDoubt as doubt:
        logger.warning("Notice %s may or may not have been delivered: %s", notice.pk, doubt)
        return _finish(notice, NoticeStatus.IN_DOUBT, error=str(doubt))
    except PermanentDeliveryError as refused:
        logger.warning("Notice %s was refused for good: %s", notice.pk, refused)
        return _finish(notice, NoticeStatus.FAILED, error=str(refused))
    except Exception as exc:  # noqa: BLE001  (one failing recipient never blocks the others)
        return _failed_attempt(notice, exc, now)
    # Delivered: record it before anything else, however the database behaves (a resend would be a duplicate).
    try:
        return _finish(notice, NoticeStatus.SENT, sent_at=timezone.now(), provider_ref=provider_ref)
    except DatabaseError:
        logger.error(  # noqa: TRY400  (the operator needs the id, not the traceback)
            "Notice %s was delivered but could not be recorded as sent; it stays 'sending' and the lease "
            "records it in doubt.",
            notice.pk,
        )
        raise


def _prepare(notice_id: int, now: datetime) -> str | tuple[Notice, Message]:
    """Load the claimed notice, check its channel, ask the kind and render: (notice, message) to deliver, or
    the status it ended in (postponed, dropped, or back to pending after an error)."""
    notice = (
        Notice.objects.select_related("recipient__organisation", "recipient__user", "subject_type")
        .annotate(**_reach_at_send_time())
        .get(pk=notice_id)
    )
    recipient = notice.recipient
    channel = _channel_now(notice)
    if channel is None:
        return NoticeStatus.DROPPED
    if channel in QUIET_CHANNELS and (quiet_until := quiet_hours_end(recipient, now)) is not None:
        # No SMS or push at night: put it back, unclaimed and without counting an attempt, for the end of her
        # quiet hours.
        _record(
            lambda: Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
                status=NoticeStatus.PENDING, due_at=quiet_until, claimed_at=None, attempts=F("attempts") - 1
            )
        )
        return "postponed"
    if notice.channel != channel:
        Notice.objects.filter(pk=notice.pk).update(channel=channel)
        notice.channel = channel
    with translation.override(recipient.language):
        kind = kind_for(notice.kind)
        try:
            if kind is None:
                raise DropNotice(f"No notice kind {notice.kind!r} in settings.NOTICE_KINDS.")
            if obsolete := kind.is_obsolete(notice):
                raise DropNotice(obsolete if isinstance(obsolete, str) else OBSOLETE_REASON)
            return notice, kind.render(notice)
        except DropNotice as drop:
            return _finish(notice, NoticeStatus.DROPPED, error=str(drop))
        except (OperationalError, InterfaceError):
            raise  # the database, not the notice: put back by notice_send without counting against the notice
        except Exception as exc:  # noqa: BLE001  (one failing recipient never blocks the others)
            return _failed_attempt(notice, exc, now)


def _reach_at_send_time() -> dict[str, Exists]:
    """Annotations for the claimed notice's load: whether she has a push device, and whether she chose channels
    for any topic (most members never did: their default channel needs no query of its own)."""
    return {
        "reach_device": Exists(PushDevice.objects.filter(member_id=OuterRef("recipient_id"))),
        "reach_chose": Exists(ChannelChoice.objects.filter(member_id=OuterRef("recipient_id"))),
    }


def _channel_now(notice: Notice) -> str | None:
    """The channel the claimed row goes by now: its own while she still wants it and it is possible. Otherwise
    (her phone or device is gone, her shelter no longer allows SMS for the topic, she no longer wants it) the
    row is dropped with the reason when another row of the same notice has gone or will go to her (None), or
    moves to the first channel she gets the topic by now (e-mail when no other remains)."""
    recipient = notice.recipient
    topic = _topic_of(notice.kind)
    chosen: frozenset[str] = frozenset()
    if topic is not None and topic not in EMAIL_ONLY_TOPICS and notice.reach_chose:  # type: ignore[attr-defined]
        chosen = frozenset(
            ChannelChoice.objects.filter(member_id=recipient.pk, topic=topic).values_list("channel", flat=True)
        )
    reach = Reach(
        chosen={topic: chosen} if topic is not None else {},
        sms_topics=frozenset(recipient.organisation.sms_topics or ()),
        has_push=notice.reach_device and _push_enabled(),  # type: ignore[attr-defined]
    )
    channels = delivery_channels(recipient, topic, reach)
    if notice.channel in channels:
        return notice.channel
    why = (
        channel_refusal(recipient, topic, notice.channel, reach)
        or f"She no longer wants these notices by {notice.channel}."
    )
    siblings = (
        Notice.objects.filter(dedupe_key__in=channel_keys(notice.dedupe_key), status__in=_LIVE_STATUSES)
        .exclude(pk=notice.pk)
        .order_by("pk")
        .values_list("pk", "channel", "status")
    )
    # A sibling that went out, or keeps its channel, carries the notice; so does an older sibling that lost its
    # channel too (it moves), so two rows that both lost theirs never both move, nor both give way.
    for pk, channel, status in siblings:
        went = status not in (NoticeStatus.PENDING, NoticeStatus.SENDING)
        if went or channel in channels or pk < notice.pk:
            by = channel if went or channel in channels else channels[0]
            _finish(notice, NoticeStatus.DROPPED, error=f"Not sent by {notice.channel}: {why} It goes by {by}.")
            return None
    return channels[0]


def _failed_attempt(notice: Notice, exc: Exception, now: datetime) -> str:
    """Nothing went out: back to pending with backoff, or failed after MAX_ATTEMPTS."""
    logger.warning("Notice %s failed (attempt %s): %s", notice.pk, notice.attempts, exc)
    if notice.attempts >= MAX_ATTEMPTS:
        return _finish(notice, NoticeStatus.FAILED, error=str(exc))
    _record(
        lambda: Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
            status=NoticeStatus.PENDING, due_at=now + backoff(notice.attempts), last_error=str(exc)[:2000]
        )
    )
    return NoticeStatus.PENDING


def _finish(
    notice: Notice, status: str, *, error: str = "", sent_at: datetime | None = None, provider_ref: str = ""
) -> str:
    _record(
        lambda: Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
            status=status, last_error=error[:2000], sent_at=sent_at, provider_ref=provider_ref[:100]
        )
    )
    return status


def _record(update: Callable[[], int]) -> int:
    """Run one bookkeeping UPDATE of a claimed row; if the connection broke (a restarted or failed-over
    database, a terminated backend), close it and try again on a new one, RECORD_ATTEMPTS times with a short
    backoff. Each UPDATE is conditional on status='sending', so running it twice changes nothing more.
    Inside a transaction a new connection would not see its work: the error is raised at once."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            return update()
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block or attempt == RECORD_ATTEMPTS:
                raise
            logger.warning("Recording a notice failed (attempt %s), reconnecting: %s", attempt, exc)
            connection.close()
            sleep(RECORD_BACKOFF * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def notice_retry(*, notice_id: int, organisation: Organisation, now: datetime | None = None) -> bool:
    """A coordinator's "try again" for a failed notice of her shelter: back to pending, due now, attempts reset.

    Only a failed notice, which is known not to have gone out; a notice in doubt (it may have been delivered)
    is refused, like one that is pending, sending or sent."""
    return bool(
        Notice.objects.for_organisation(organisation)
        .filter(pk=notice_id, status=NoticeStatus.FAILED)
        .update(status=NoticeStatus.PENDING, due_at=now or timezone.now(), attempts=0, claimed_at=None)
    )


def quiet_hours_end(member: Member, now: datetime) -> datetime | None:
    """If `now` falls inside her quiet hours (wall-clock time in her shelter's time zone; the window may
    cross midnight, e.g. 22:00–08:00), the moment they end; otherwise None."""
    start, end = member.quiet_hours_start, member.quiet_hours_end
    if start is None or end is None or start == end:
        return None
    zone = member.organisation.zone
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= clock < end, local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    if not inside:
        return None
    return _wall_clock(end_day, end, zone)


def _wall_clock(day: date, at: time, zone: tzinfo) -> datetime:
    """A local wall-clock time as an aware datetime; a time skipped by a spring-forward change is moved forward."""
    from datetime import UTC

    candidate = datetime.combine(day, at, tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        candidate = round_trip  # nonexistent local time: the clock jumped past it
    return candidate.astimezone(UTC)


def recipient_email(member: Member) -> str:
    """A member with a login is written to at her login's own address (she alone changes it); a member
    without one at the address the shelter keeps for her."""
    if member.user is not None:  # no query when she has no login (user_id is None)
        return member.user.email
    return member.email


def _deliver(notice: Notice, message: Message) -> str:
    """Hand the message to the notice's channel. Returns the provider's id for it ("" when it has none), kept
    in Notice.provider_ref so a delivery report can find the notice."""
    if notice.channel == Channel.SMS:
        return _deliver_sms(notice, message)
    if notice.channel == Channel.PUSH:
        return _deliver_push(notice, message)
    _deliver_email(notice, message)
    return ""


def _deliver_sms(notice: Notice, message: Message) -> str:
    member = notice.recipient
    if not member.phone:
        raise DropNotice(_("The member has no phone number."))
    return (
        get_sms_backend().send(
            str(member.phone),
            message.sms or message.subject,
            sender=sms_sender(member.organisation),  # loaded with the recipient; the notice's shelter is hers
            report_url=report_url(notice),
        )
        or ""
    )


def _deliver_push(notice: Notice, message: Message) -> str:
    from .push import push_deliver  # pywebpush is imported only by a worker that sends push

    return push_deliver(notice, message)


def _deliver_email(notice: Notice, message: Message) -> None:
    member = notice.recipient
    address = recipient_email(member)
    if not address:
        raise DropNotice(_("The member has no e-mail address."))
    mail = EmailMultiAlternatives(
        subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    # The connection is opened and closed here, not inside send(): once the server has accepted the message,
    # a server that fails to say goodbye (QUIT times out) changes nothing, and must not read as a failure.
    mail.connection = get_connection()  # settings.EMAIL_BACKEND; SMTP waits at most EMAIL_TIMEOUT each time
    try:
        mail.connection.open()
        mail.send()
    except BaseException:
        _close_quietly(mail.connection)
        raise
    _close_quietly(mail.connection)


def _close_quietly(mail_connection: Any) -> None:
    try:
        mail_connection.close()
    except Exception as exc:  # noqa: BLE001  (the message's fate is already known)
        logger.warning("Closing the mail connection failed: %s", exc)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
