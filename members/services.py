"""Writes on shelters, members and logins. Each service is one transaction and raises JourplanError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import JourplanError
from .models import (
    FeeRate,
    Interview,
    Member,
    MembershipType,
    MemberStatus,
    Organisation,
    Payment,
    PaymentMethod,
    PledgeSignature,
    PledgeText,
    RecordCheck,
    Role,
    User,
)
from .notices import notice_plan
from .onboarding import current_pledge, plan_pledge_sign_again


class InvitationRefused(JourplanError):
    pass


def _login_for(email: str) -> User:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email)  # unusable password until she sets one
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def member_invite(*, member: Member, invited_by: Member | None = None) -> Member:
    """Give the member a login (or link her existing one) and plan the invitation mail.

    Guarantees: her e-mail address becomes her verified login; a person who already has a password
    (she belongs to another shelter) is linked without a new mail. Re-inviting plans a fresh mail.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.email:
        raise InvitationRefused(_("Add an e-mail address before inviting her."))
    if member.status == MemberStatus.LEFT or member.erased_at:
        raise InvitationRefused(_("A member who has left cannot be invited."))
    if member.user_id and member.user.has_usable_password():
        raise InvitationRefused(_("She already has a login."))
    user = _login_for(member.email)
    if Member.objects.filter(organisation=member.organisation, user=user).exclude(pk=member.pk).exists():
        raise InvitationRefused(_("This e-mail address already belongs to another member of the shelter."))
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    if not user.has_usable_password():
        notice_plan(recipient=member, kind="invitation", variant=timezone.now().strftime("%Y%m%d%H%M%S%f"))
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
# What a volunteer may change about herself.
MEMBER_SELF_EDITABLE_FIELDS = frozenset({"email", "phone", "postal_address", "language", "share_phone"})


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


@transaction.atomic
def member_update(*, member: Member, by: Member | None = None, today: date | None = None, **changes) -> Member:
    """Change a member's register data.

    Guarantees: only register fields change (anything else is refused); the row is validated as a whole
    (unique e-mail per shelter, phone format) and nothing is written when it is invalid; a change of
    status sets status_changed_on (and left_on when she leaves); an erased member cannot be changed.
    """
    unknown = set(changes) - MEMBER_EDITABLE_FIELDS
    if unknown:
        raise MemberUpdateRefused(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.erased_at:
        raise MemberUpdateRefused(_("An erased member cannot be changed."))
    today = today or timezone.localdate()
    old_status = member.status
    for field, value in changes.items():
        setattr(member, field, value)
    if isinstance(member.email, str):
        member.email = member.email.strip().lower()
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


@transaction.atomic
def member_mark_left(*, member: Member, by: Member | None = None, on: date | None = None) -> Member:
    """Record that the member has left: status LEFT, left_on and status_changed_on set. Her login and
    history stay (erasure is a separate step, member_erase). Marking twice changes nothing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.erased_at:
        raise MemberUpdateRefused(_("An erased member cannot be changed."))
    if member.status == MemberStatus.LEFT:
        return member
    on = on or timezone.localdate()
    member.status = MemberStatus.LEFT
    member.left_on = on
    member.status_changed_on = on
    member.save(update_fields=["status", "left_on", "status_changed_on", "updated_at"])
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
