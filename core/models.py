"""The platform's models: a login (User, a person's, across the federation) and a shelter (Organisation)."""

from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .validators import single_line, validate_sms_sender

# Slugs that would shadow a project-level URL (config/urls.py) can never name a shelter.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "answer", "federation", "healthz", "i18n", "invitations", "static", "media", "feeds"}
    | {"notices"}  # /notices/sms/delivered/<token>/, 46elks's delivery reports
    | {"messages"}  # /messages/<pk>/, her link to an announcement
    | {"offline"}  # /offline/, the installable portal's offline page (core/pwa.py)
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


def validate_shelter_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. The person's name and role live on her Member row in each shelter she belongs to."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_staff = models.BooleanField(_("federation operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Part of the session hash: raising it ends every session of this login (members/sessions.py).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django keeps this hash in the session and logs out a session whose hash no longer matches; the
        # password is in it (a new password ends her other sessions), and so is the epoch (a lost role does).
        key_salt = "members.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def shelters(self) -> OrganisationQuerySet:
        """The shelters, without the federation's organisation for national lines."""
        return self.filter(national=False)


class Organisation(models.Model):
    """A shelter (jour). Every domain row belongs to one, directly or through its parent."""

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        validators=[validate_shelter_slug],
        help_text=_("Used in the web address, e.g. /kvinnojouren-exempel/."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Stockholm", validators=[validate_time_zone]
    )
    # Rota settings.
    signup_window_days = models.PositiveSmallIntegerField(
        _("sign-up opens (days ahead)"),
        default=60,
        help_text=_("How many days ahead volunteers may take shifts."),
    )
    release_deadline_hours = models.PositiveSmallIntegerField(
        _("release deadline (hours)"),
        default=48,
        help_text=_("A volunteer may release a shift until this many hours before it starts."),
    )
    understaffed_alert_hours = models.PositiveSmallIntegerField(
        _("under-staffed alert (hours)"),
        default=48,
        help_text=_("Coordinators are alerted when a shift this close has fewer volunteers than its minimum."),
    )
    inactive_after_days = models.PositiveSmallIntegerField(
        _("inactive after (days)"),
        default=60,
        help_text=_("Volunteers with no shift for this long are listed."),
    )
    # Notices.
    reminder_offsets_minutes = models.JSONField(_("reminder offsets (minutes before start)"), default=list, blank=True)
    # Channels (issue 18). SMS costs money: a shelter chooses which topics of notices may go by SMS.
    sms_topics = models.JSONField(
        _("topics that may be sent by SMS"),
        default=list,
        blank=True,
        help_text=_("SMS costs money: only these kinds of notices may be sent by SMS."),
    )
    sms_sender = models.CharField(
        _("SMS sender"),
        max_length=11,
        default="Jourplan",
        validators=[
            RegexValidator(r"^[A-Za-z][A-Za-z0-9]{1,10}$", _("2–11 letters (a–z) or digits, starting with a letter."))
        ],
        help_text=_("The name an SMS is sent from (at most 11 letters or digits). It must not name the shelter."),
    )
    # Register.
    anonymise_after_months = models.PositiveSmallIntegerField(
        _("anonymise members who left after (months)"), default=12
    )
    # Fee reminders (issue 18): after the due date, members with no payment for the year are reminded.
    fee_reminders_enabled = models.BooleanField(_("send fee reminders"), default=False)
    fee_due_month = models.PositiveSmallIntegerField(
        _("fee due (month)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    fee_due_day = models.PositiveSmallIntegerField(
        _("fee due (day)"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    fee_reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between fee reminders"), default=30, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    fee_payment_text = models.TextField(
        _("how to pay the membership fee"),
        blank=True,
        max_length=1000,
        help_text=_("Shown in the fee reminder, e.g. the Bankgiro or Swish number and what to write."),
    )
    # The federation's own organisation for national lines (issue 20): it holds the shared lines and their shifts,
    # has no members, and is never listed as a shelter. The operator's pages create it with the first such line.
    national = models.BooleanField(_("national lines"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    DEFAULT_REMINDER_OFFSETS = [24 * 60, 2 * 60]

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.reminder_offsets_minutes:
            self.reminder_offsets_minutes = list(self.DEFAULT_REMINDER_OFFSETS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:portal", kwargs={"organisation": self.slug})

    def clean_fields(self, exclude: Any = None) -> None:
        # An SMS's sender is on her lock screen: it must not say which shelter writes (or that one does). Checked
        # here, not in clean(), so a form without the field (which could not show the error) never trips on it;
        # a sender stored around the check is replaced at send time (notices.sms.sms_sender).
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as invalid:
            errors = invalid.update_error_dict(errors)
        if "sms_sender" not in (exclude or ()) and "sms_sender" not in errors:
            try:
                validate_sms_sender(self.sms_sender, name=self.name, slug=self.slug)
            except ValidationError as refused:
                errors["sms_sender"] = refused.error_list
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
