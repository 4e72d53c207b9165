"""The member register: a person in one shelter (Member) with her role there, and her onboarding and fees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.models import Organisation
from core.validators import single_line
from notices.models import Channel


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Admin")


ROLE_RANK: dict[str, int] = {Role.VOLUNTEER: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}


class MemberStatus(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


class MembershipType(models.TextChoices):
    FULL = "full", _("Full member")
    SUPPORTING = "supporting", _("Supporting member")


class PaymentMethod(models.TextChoices):
    SWISH = "swish", _("Swish")
    BANKGIRO = "bankgiro", _("Bank giro")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class MemberQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> MemberQuerySet:
        return self.filter(organisation=organisation)

    def current(self) -> MemberQuerySet:
        """Members who have not left (and are not erased)."""
        return self.exclude(status=MemberStatus.LEFT).filter(erased_at=None)

    def with_login(self) -> MemberQuerySet:
        return self.filter(user__isnull=False, user__is_active=True)

    def with_register_state(self, organisation: Organisation, today) -> MemberQuerySet:
        """Annotate what the register lists show, in the same single query: paid_this_year,
        has_interview, has_current_pledge, record_valid_until (None when missing or expired)."""
        outer = models.OuterRef("pk")
        current_pledge = (
            PledgeText.objects.filter(organisation=organisation, published_at__isnull=False)
            .order_by("-version")
            .values("pk")[:1]
        )
        valid_checks = RecordCheck.objects.filter(member=outer, seen_on__lte=today, valid_until__gte=today)
        return self.annotate(
            paid_this_year=models.Exists(Payment.objects.filter(member=outer, year=today.year)),
            has_interview=models.Exists(Interview.objects.filter(member=outer)),
            has_current_pledge=models.Exists(
                PledgeSignature.objects.filter(member=outer, pledge_text_id=models.Subquery(current_pledge))
            ),
            record_valid_until=models.Subquery(valid_checks.order_by("-valid_until").values("valid_until")[:1]),
        )


class Member(models.Model):
    """A person in one shelter's register, optionally with a login; her role there decides what she may do."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    first_name = models.CharField(_("first name"), max_length=100, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=100, blank=True, validators=[single_line])
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="sv")
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("Her contact data is shown to the shelter's admins only: never in lists, exports or feeds."),
    )
    share_phone = models.BooleanField(_("show my phone number to co-volunteers on my shifts"), default=False)
    # Notice preferences; null offsets means "the shelter's default".
    reminder_offsets_minutes = models.JSONField(_("my reminders (minutes before start)"), null=True, blank=True)
    notice_channel = models.CharField(_("notices by"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    quiet_hours_start = models.TimeField(_("no SMS from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("no SMS until"), null=True, blank=True)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    membership_type = models.CharField(
        _("membership type"), max_length=20, choices=MembershipType.choices, default=MembershipType.FULL
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    notes = models.TextField(_("notes (coordinators only)"), blank=True)
    # Issue 19: what she wrote when she asked to join through the shelter's interest form.
    asked_to_join_at = models.DateTimeField(_("asked to join"), null=True, blank=True, editable=False)
    interest_kinds = models.JSONField(_("kinds of work she is interested in"), default=list, blank=True)
    interest_text = models.TextField(_("what she wrote"), blank=True, max_length=2000)
    # Issue 19: she asked for her own erasure; an admin completes it with the erasure service.
    erasure_requested_at = models.DateTimeField(_("asked to be erased"), null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # Set while an invitation to an address that already has a login waits for that person to accept it
    # (members.invitations): nothing is linked until she does, logged in with her own credentials.
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["first_name", "last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="member_one_login_per_shelter",
            ),
            # Not among members under protected identity: a hidden address must never block (and so reveal
            # itself to) a coordinator who types the same address for someone new.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=~models.Q(email="") & models.Q(protected_identity=False),
                name="member_unique_email_per_shelter",
                violation_error_message=_("A member with this e-mail address already exists in this shelter."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def login_state(self) -> str:
        """What the register shows about her login, the same whether or not her address had a login before:
        "active" (she can log in here), "invited" (an invitation waits for her), or "none"."""
        if self.user is not None and self.user.has_usable_password():  # no query without a login
            return "active"
        if self.user_id or self.invited_at:
            return "invited"
        return "none"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def effective_reminder_offsets(self) -> list[int]:
        if self.reminder_offsets_minutes is not None:
            return list(self.reminder_offsets_minutes)
        return list(self.organisation.reminder_offsets_minutes)


# --- The member register (issue 3): membership, onboarding and fees -------------------------------


class Interview(models.Model):
    """An introductory interview was held with the member (date and who recorded it; no content)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("held on"))
    recorded_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.member_id} {self.held_on}"


class PledgeText(models.Model):
    """One version of the shelter's confidentiality pledge (tystnadslöfte)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pledge_texts")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge texts")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["organisation", "version"], name="pledge_version_unique")]

    def __str__(self):
        return f"{self.organisation_id} v{self.version}"


class PledgeSignature(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pledge_signatures")
    pledge_text = models.ForeignKey(PledgeText, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("pledge signature")
        verbose_name_plural = _("pledge signatures")
        ordering = ["-signed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member", "pledge_text"], name="pledge_signed_once")]

    def __str__(self):
        return f"{self.member_id} v{self.pledge_text_id}"


class RecordCheck(models.Model):
    """A police record extract was SEEN (date, by whom, valid until). No copy and no content is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="record_checks")
    seen_on = models.DateField(_("seen on"))
    seen_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("seen by")
    )
    valid_until = models.DateField(_("valid until"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("record check")
        verbose_name_plural = _("record checks")
        ordering = ["-seen_on", "-pk"]

    def __str__(self):
        return f"{self.member_id} {self.seen_on}–{self.valid_until}"


class FeeRate(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fee_rates")
    year = models.PositiveSmallIntegerField(_("year"))
    membership_type = models.CharField(_("membership type"), max_length=20, choices=MembershipType.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["-year", "membership_type"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "membership_type"], name="fee_rate_unique")
        ]

    def __str__(self):
        return f"{self.year} {self.membership_type} {self.amount}"


class PaymentQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> PaymentQuerySet:
        return self.filter(organisation=organisation)


class Payment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="payments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="payments")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.SWISH)
    reference = models.CharField(_("reference"), max_length=100, blank=True, validators=[single_line])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-year", "-paid_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "year"], name="payment_org_year_idx")]

    def __str__(self):
        return f"{self.member_id} {self.year} {self.amount}"


# --- Who sees a member's contact data (protected identity, sharing choices) -----------------------


def may_see_contact_data(viewer: Member | None, member: Member) -> bool:
    """Whether `viewer` may see `member`'s e-mail, phone and postal address.

    The member herself always may. For a member under protected identity only the admins of her shelter
    may; otherwise coordinators and admins of her shelter may. Volunteers never see others' contact data
    here (co-volunteers on a shift use co_volunteer_contact)."""
    if viewer is None:
        return False
    if viewer.pk == member.pk:
        return True
    if viewer.organisation_id != member.organisation_id:
        return False
    if member.protected_identity:
        return viewer.is_admin
    return viewer.is_coordinator


def co_volunteer_contact(member: Member) -> str:
    """The phone number co-volunteers on her shifts see: only when she chose to share it and she is not
    under protected identity; otherwise "" (they see her first name only)."""
    if member.share_phone and not member.protected_identity and member.phone:
        return str(member.phone)
    return ""
