"""Writes on shelters, members and logins. Each service is one transaction and raises JourplanError."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import JourplanError
from core.models import Organisation, User
from notices.models import Notice, NoticeStatus
from notices.outbox import notice_plan

from .fees import FEE_PAYMENT_TEXT_MAX, FEE_REMINDER_INTERVAL_DAYS, due_day_error
from .models import (
    FeeRate,
    Interview,
    Member,
    MembershipType,
    MemberStatus,
    Payment,
    PaymentMethod,
    PledgeSignature,
    PledgeText,
    RecordCheck,
    Role,
)
from .notices import FeeReminder, plan_pledge_sign_again
from .onboarding import current_pledge
from .rank import check_changes, check_may_manage


class InvitationRefused(JourplanError):
    pass


def _login_exists(email: str) -> bool:
    email = email.strip().lower()
    return User.objects.filter(email=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists()


def _new_login(email: str) -> User:
    """A login for an address that had none: unusable password until she sets one from the invitation mail,
    which goes to this same address (so the address is hers once she uses the link)."""
    user = User.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def member_invite(*, member: Member, invited_by: Member | None = None) -> Member:
    """Invite the member to the portal (or invite her again).

    Guarantees:
    - The inviter manages the member (rank rules, members.rank), else RankRefused and nothing changes.
    - An address with no login gets a new login, linked to this member, and a set-password mail to that
      address. An address that already has a login (she belongs to another shelter, or is an operator) is
      never linked here: the membership waits (`invited_at`) until she accepts it, logged in with her own
      credentials, and the mail only asks her to log in. The inviter sees the same in both cases.
    - Keys are only ever made for a login this invitation created, and sent to that login's own address.
    """
    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    check_may_manage(invited_by, member)
    if member.status == MemberStatus.LEFT or member.erased_at:
        raise InvitationRefused(_("A member who has left cannot be invited."))
    if member.login_state == "active":
        raise InvitationRefused(_("She already has a login."))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    if member.user_id:  # the login this shelter's invitation made, still without a password
        notice_plan(recipient=member, kind="invitation", variant=stamp)
        return member
    if not member.email:
        raise InvitationRefused(_("Add an e-mail address before inviting her."))
    if not _login_exists(member.email):
        member.user = _new_login(member.email)
        member.invited_at = None
        member.save(update_fields=["user", "invited_at", "updated_at"])
        notice_plan(recipient=member, kind="invitation", variant=stamp)
    else:
        member.invited_at = timezone.now()
        member.save(update_fields=["invited_at", "updated_at"])
        notice_plan(recipient=member, kind="membership_invitation", variant=stamp)
    return member


def pending_invitations(user) -> list[Member]:
    """Memberships waiting for this login to accept: invited to one of her verified addresses, not linked."""
    if not user.is_authenticated:
        return []
    addresses = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]
    return list(
        Member.objects.filter(user=None, invited_at__isnull=False, erased_at=None, email__in=addresses)
        .exclude(status=MemberStatus.LEFT)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def _pending_for(user, member_id: int) -> Member:
    member = next((m for m in pending_invitations(user) if m.pk == member_id), None)
    if member is None:
        raise InvitationRefused(_("This invitation is no longer open."))
    return Member.objects.select_for_update().get(pk=member.pk)


def membership_accept(*, user, member_id: int) -> Member:
    """She accepts an invitation to her own verified address: only now is her login linked to the membership.
    A login that already belongs to that shelter cannot be linked twice: the invitation is closed (that is
    kept) and InvitationRefused says so."""
    member, linked = _accept(user=user, member_id=member_id)
    if not linked:
        raise InvitationRefused(_("You already belong to this shelter."))
    return member


@transaction.atomic
def _accept(*, user, member_id: int) -> tuple[Member, bool]:
    member = _pending_for(user, member_id)
    linked = not Member.objects.filter(organisation_id=member.organisation_id, user=user).exists()
    if linked:
        member.user = user
    member.invited_at = None
    member.save(update_fields=["user", "invited_at", "updated_at"])
    return member, linked


@transaction.atomic
def membership_decline(*, user, member_id: int) -> Member:
    """She declines: the invitation is closed and nothing of hers is linked or shown to the shelter."""
    member = _pending_for(user, member_id)
    member.invited_at = None
    member.save(update_fields=["invited_at", "updated_at"])
    return member


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, admin_email: str, admin_first_name: str, time_zone: str = "Europe/Stockholm"
) -> Organisation:
    """Create a shelter and invite its first admin (federation operators only)."""
    if Organisation.objects.filter(slug=slug).exists():
        raise JourplanError(_("A shelter with this address already exists."))
    organisation = Organisation(name=name, slug=slug, time_zone=time_zone)
    organisation.full_clean()
    organisation.save()
    admin = Member.objects.create(
        organisation=organisation,
        first_name=admin_first_name,
        email=admin_email.strip().lower(),
        role=Role.ADMIN,
        status=MemberStatus.ACTIVE,
    )
    member_invite(member=admin)
    return organisation


# --- The member register (issue 3) ----------------------------------------------------------------

# Fields a coordinator may change through member_update (not organisation, user, erased_at, dates of status).
MEMBER_EDITABLE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "phone",
        "postal_address",
        "language",
        "member_since",
        "membership_type",
        "role",
        "status",
        "protected_identity",
        "share_phone",
        "notes",
    }
)
# What a volunteer may change about herself (her e-mail address is her login: Account → E-mail).
MEMBER_SELF_EDITABLE_FIELDS = frozenset({"phone", "postal_address", "language", "share_phone"})


class MemberUpdateRefused(JourplanError):
    pass


def _raise_validation(error: ValidationError) -> None:
    messages_ = []
    if hasattr(error, "message_dict"):
        for field_errors in error.message_dict.values():
            messages_.extend(field_errors)
    else:
        messages_.extend(error.messages)
    raise MemberUpdateRefused(*messages_)


def _pending_login_withdrawn(member: Member) -> None:
    """Her address changed before she ever used the invitation: the login made for the old address is
    unlinked (and removed when nothing else holds it), so no key for it can reach the new address."""
    user = member.user
    member.user = None
    member.invited_at = None
    if user is None:
        return
    untouched = not user.has_usable_password() and user.last_login is None and not (user.is_staff or user.is_superuser)
    if untouched and not Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        Member.objects.filter(pk=member.pk).update(user=None)
        user.delete()


@transaction.atomic
def member_update(*, member: Member, by: Member | None = None, today: date | None = None, **changes) -> Member:
    """Change a member's register data.

    Guarantees: only register fields change (anything else is refused); the rank rules hold (members.rank:
    coordinators change volunteers only, only admins change roles, protected identity and a protected
    member's contact data; she herself changes her own self-editable fields); a member with a login keeps
    her login's address, which only she changes (Account → E-mail, with verification); changing the address
    of someone who has not used her invitation yet withdraws it; the shelter keeps at least one admin; the
    row is validated as a whole and nothing is written when anything is refused; a change of status sets
    status_changed_on (and left_on when she leaves); an erased member cannot be changed.
    """
    unknown = set(changes) - MEMBER_EDITABLE_FIELDS
    if unknown:
        raise MemberUpdateRefused(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)})
    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    if member.erased_at:
        raise MemberUpdateRefused(_("An erased member cannot be changed."))
    if isinstance(changes.get("email"), str):
        changes["email"] = changes["email"].strip().lower()
    changed = {field: value for field, value in changes.items() if getattr(member, field) != value}
    if not changed:
        return member  # nothing to write (and nothing to audit)
    herself = by is not None and by.pk == member.pk
    if herself and set(changed) <= MEMBER_SELF_EDITABLE_FIELDS:
        pass
    else:
        check_changes(by, member, changed)
    if "email" in changed:
        if member.login_state == "active":
            raise MemberUpdateRefused(
                _("Her e-mail address is her login. Only she can change it, under Account → E-mail.")
            )
        _pending_login_withdrawn(member)
    if member.role == Role.ADMIN and (
        changed.get("role", Role.ADMIN) != Role.ADMIN or changed.get("status") == MemberStatus.LEFT
    ):
        _keep_an_admin(member)
    today = today or timezone.localdate()
    old_status = member.status
    for field, value in changed.items():
        setattr(member, field, value)
    if member.status != old_status:
        member.status_changed_on = today
        member.left_on = today if member.status == MemberStatus.LEFT else None
    try:
        member.full_clean(exclude=["user"])
        member.save()
    except ValidationError as invalid:
        _raise_validation(invalid)
    except IntegrityError:
        raise MemberUpdateRefused(_("A member with this e-mail address already exists in this shelter.")) from None
    return member


def _keep_an_admin(member: Member) -> None:
    others = (
        Member.objects.for_organisation(member.organisation).current().filter(role=Role.ADMIN).exclude(pk=member.pk)
    )
    if not others.exists():
        raise MemberUpdateRefused(_("The shelter must keep at least one admin. Make someone else admin first."))


@transaction.atomic
def member_mark_left(*, member: Member, by: Member | None = None, on: date | None = None) -> Member:
    """Record that the member has left: status LEFT, left_on and status_changed_on set. Her login and
    history stay (erasure is a separate step, member_erase). Rank rules hold; nobody marks herself as
    left here; the last admin cannot leave. Marking twice changes nothing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_may_manage(by, member)
    if by is not None and by.pk == member.pk:
        raise MemberUpdateRefused(_("You cannot mark yourself as left."))
    if member.erased_at:
        raise MemberUpdateRefused(_("An erased member cannot be changed."))
    if member.status == MemberStatus.LEFT:
        return member
    if member.role == Role.ADMIN:
        _keep_an_admin(member)
    on = on or timezone.localdate()
    member.status = MemberStatus.LEFT
    member.left_on = on
    member.status_changed_on = on
    member.invited_at = None
    member.save(update_fields=["status", "left_on", "status_changed_on", "invited_at", "updated_at"])
    return member


class OnboardingRefused(JourplanError):
    pass


def _check_not_in_future(day: date, label: str) -> None:
    if day > timezone.localdate():
        raise OnboardingRefused(_("%(what)s cannot be in the future.") % {"what": label})


@transaction.atomic
def interview_record(*, member: Member, held_on: date, by: Member | None) -> Interview:
    """Record that an interview was held with the member on `held_on` (not in the future), recorded by `by`."""
    _check_not_in_future(held_on, _("The interview date"))
    if member.erased_at:
        raise OnboardingRefused(_("An erased member cannot be changed."))
    return Interview.objects.create(member=member, held_on=held_on, recorded_by=by)


def record_check_default_valid_until(seen_on: date) -> date:
    try:
        return seen_on.replace(year=seen_on.year + 2)
    except ValueError:  # 29 February
        return seen_on.replace(year=seen_on.year + 2, day=28)


@transaction.atomic
def record_check_record(
    *, member: Member, seen_on: date, by: Member | None, valid_until: date | None = None
) -> RecordCheck:
    """Record that a police record extract was SEEN (no copy, no content). valid_until defaults to
    seen_on + 2 years and must be after seen_on; seen_on is not in the future."""
    _check_not_in_future(seen_on, _("The date seen"))
    if member.erased_at:
        raise OnboardingRefused(_("An erased member cannot be changed."))
    valid_until = valid_until or record_check_default_valid_until(seen_on)
    if valid_until <= seen_on:
        raise OnboardingRefused(_("Valid until must be after the date seen."))
    return RecordCheck.objects.create(member=member, seen_on=seen_on, seen_by=by, valid_until=valid_until)


@transaction.atomic
def pledge_publish(*, organisation: Organisation, text: str, by: Member | None = None) -> PledgeText:
    """Publish a new version of the shelter's pledge; it becomes the current one. Members who signed an
    older version no longer count as having signed the current pledge and are asked to sign again."""
    text = (text or "").strip()
    if not text:
        raise JourplanError(_("The pledge text cannot be empty."))
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # serialises version numbers
    last = PledgeText.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"] or 0
    pledge = PledgeText.objects.create(
        organisation=organisation, version=last + 1, text=text, published_at=timezone.now()
    )
    plan_pledge_sign_again(pledge)
    return pledge


class PledgeRefused(JourplanError):
    pass


@transaction.atomic
def pledge_sign(*, member: Member, pledge_text: PledgeText) -> PledgeSignature:
    """The member herself signs the current pledge version of her shelter (timestamp and version kept).
    Signing an old or another shelter's version is refused; signing twice keeps the first signature."""
    current = current_pledge(member.organisation)
    if current is None or current.pk != pledge_text.pk:
        raise PledgeRefused(_("This is not the current pledge; reload the page and read the current text."))
    signature, _created = PledgeSignature.objects.get_or_create(member=member, pledge_text=current)
    return signature


class PaymentRefused(JourplanError):
    pass


@transaction.atomic
def payment_record(
    *,
    member: Member,
    year: int,
    amount: Decimal,
    paid_on: date,
    method: str = PaymentMethod.SWISH,
    reference: str = "",
    by: Member | None = None,
) -> Payment:
    """Record a membership fee payment for `year`. Amount must be positive, method a known one,
    year within reason; an erased member cannot get payments."""
    if member.erased_at:
        raise PaymentRefused(_("An erased member cannot be changed."))
    if amount is None or amount <= 0:
        raise PaymentRefused(_("The amount must be more than zero."))
    if method not in PaymentMethod.values:
        raise PaymentRefused(_("Unknown payment method."))
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise PaymentRefused(_("The year is not valid."))
    if paid_on > timezone.localdate():
        raise PaymentRefused(_("The payment date cannot be in the future."))
    return Payment.objects.create(
        organisation=member.organisation,
        member=member,
        year=year,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=(reference or "").strip(),
    )


@transaction.atomic
def fee_rate_set(*, organisation: Organisation, year: int, membership_type: str, amount: Decimal) -> FeeRate:
    """Set the fee for a year and membership type (creates or replaces it). Amount zero or more."""
    if membership_type not in MembershipType.values:
        raise JourplanError(_("Unknown membership type."))
    if amount is None or amount < 0:
        raise JourplanError(_("The amount cannot be negative."))
    if not 2000 <= year <= 2100:
        raise JourplanError(_("The year is not valid."))
    rate, _created = FeeRate.objects.update_or_create(
        organisation=organisation, year=year, membership_type=membership_type, defaults={"amount": amount}
    )
    return rate


class FeeRemindersRefused(JourplanError):
    pass


FEE_REMINDERS_OFF = "Fee reminders were switched off."


@transaction.atomic
def fee_reminders_set(
    *,
    organisation: Organisation,
    enabled: bool,
    due_month: int,
    due_day: int,
    interval_days: int,
    payment_text: str,
) -> Organisation:
    """Set the shelter's fee reminders in one write: on or off, the day the year's fee is due, the days between
    reminders and how to pay. The change is in the audit trail (Organisation is audited, with the acting login).

    Refused with a translated reason, nothing changed: a day the month does not have (31 February; the 29th of
    February is moved to the 28th in other years), an interval outside 7–365 days, a payment text over 1,000
    characters, or switching reminders on without saying how to pay. Switching them off drops the reminders
    not yet sent (beat's scan plans no new ones; one already being sent cannot be called back)."""
    payment_text = (payment_text or "").strip()
    if error := due_day_error(due_month, due_day):
        raise FeeRemindersRefused(error)
    low, high = FEE_REMINDER_INTERVAL_DAYS
    if not low <= interval_days <= high:
        raise FeeRemindersRefused(
            _("The days between reminders must be from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    if len(payment_text) > FEE_PAYMENT_TEXT_MAX:
        raise FeeRemindersRefused(
            _("How to pay can be at most %(count)s characters.") % {"count": FEE_PAYMENT_TEXT_MAX}
        )
    if enabled and not payment_text:
        raise FeeRemindersRefused(_("Write how to pay the fee before switching reminders on."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.fee_reminders_enabled = enabled
    organisation.fee_due_month = due_month
    organisation.fee_due_day = due_day
    organisation.fee_reminder_interval_days = interval_days
    organisation.fee_payment_text = payment_text
    organisation.save(
        update_fields=[
            "fee_reminders_enabled",
            "fee_due_month",
            "fee_due_day",
            "fee_reminder_interval_days",
            "fee_payment_text",
        ]
    )
    if not enabled:
        waiting = Notice.objects.for_organisation(organisation).filter(status=NoticeStatus.PENDING)
        waiting.filter(kind=FeeReminder.slug).update(status=NoticeStatus.DROPPED, last_error=FEE_REMINDERS_OFF)
    return organisation


# -- her own choices (issue 19): leave, ask for erasure -----------------------------------------------------------


class OwnChoiceRefused(JourplanError):
    """She cannot leave or ask for erasure this way (in her words)."""


def member_leave_hooks() -> list:
    """The apps above that act when she leaves by herself (settings.MEMBER_LEAVE_HOOKS: hook(member, now)),
    e.g. shifts releases her coming shifts through its own release service."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return [import_string(path) for path in getattr(settings, "MEMBER_LEAVE_HOOKS", ())]


def _leave_self(member: Member, now: datetime) -> Member:
    if member.erased_at:
        raise OwnChoiceRefused(_("An erased member cannot be changed."))
    if member.status == MemberStatus.LEFT:
        return member
    if member.role == Role.ADMIN:
        try:
            _keep_an_admin(member)
        except MemberUpdateRefused:
            raise OwnChoiceRefused(
                _("You are the shelter's only admin. Make someone else admin before you leave.")
            ) from None
    today = timezone.localtime(now, member.organisation.zone).date()
    for hook in member_leave_hooks():
        hook(member, now)
    member.status = MemberStatus.LEFT
    member.left_on = today
    member.status_changed_on = today
    member.invited_at = None
    # A model save, as member_mark_left's: the audit trail records the status change.
    member.save(update_fields=["status", "left_on", "status_changed_on", "invited_at", "updated_at"])
    return member


@transaction.atomic
def member_leave_self(*, member: Member, now: datetime | None = None) -> Member:
    """She ends her own membership: status LEFT and left_on today (the shelter's calendar), recorded on the audit
    trail; the apps above release what she holds (MEMBER_LEAVE_HOOKS: her coming shifts, through their release
    service, so waiting lists move up). Her login is untouched; her data is kept until the shelter's anonymisation
    rule or an admin's erasure. Refused (OwnChoiceRefused) for the shelter's last admin. Leaving twice changes
    nothing."""
    now = now or timezone.now()
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    return _leave_self(member, now)


@transaction.atomic
def member_erasure_request(*, member: Member, now: datetime | None = None) -> Member:
    """She asks to be erased: she leaves (as member_leave_self, so an admin can complete the erasure with
    members.gdpr.member_erase at once), erasure_requested_at is set once (asking again keeps the first time),
    and the shelter's other current admins get one discreet notice each (kind `erasure_requested`)."""
    from .notices import ErasureRequested

    now = now or timezone.now()
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    _leave_self(member, now)
    if member.erasure_requested_at is None:
        member.erasure_requested_at = now
        member.save(update_fields=["erasure_requested_at", "updated_at"])
    admins = (
        Member.objects.for_organisation(member.organisation)
        .current()
        .with_login()
        .filter(role=Role.ADMIN)
        .exclude(pk=member.pk)
    )
    for admin in admins:
        notice_plan(recipient=admin, kind=ErasureRequested.slug, subject=member, due_at=now)
    return member
