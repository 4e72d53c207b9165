"""Lines, recurring patterns, shifts, and who is on them (assignments, waiting list, swap offers).

Times: a shift's `starts_at`/`ends_at` are aware UTC datetimes; patterns hold the shelter's wall-clock times.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line
from members.models import Member


class LineKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    HOUSING = "housing", _("Protected housing")
    OTHER = "other", _("Other")


COLOUR_CHOICES = [(n, str(n)) for n in range(1, 9)]


def let_in_on_national_line(member: Member, line_field: str = "pk") -> Exists:
    """She may take the national line's shifts (issue 20): her shelter has accepted the line and her coordinator
    has let her in. `line_field` names the line in the outer query ("pk" for lines, "line" for shifts)."""
    return Exists(
        NationalVolunteer.objects.filter(
            line=OuterRef(line_field),
            member=member,
            line__participations__organisation=member.organisation_id,
            line__participations__accepted_at__isnull=False,
        )
    )


class LineQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> LineQuerySet:
        return self.filter(organisation=organisation)

    def open_to(self, member: Member) -> LineQuerySet:
        """Her shelter's lines and the national lines she has been let in on."""
        return self.filter(Q(organisation=member.organisation_id) | let_in_on_national_line(member))

    def national(self) -> LineQuerySet:
        return self.filter(organisation__national=True)

    def worked_for(self, organisation: Organisation) -> LineQuerySet:
        """The lines the shelter's volunteers work on: its own, and the national lines it takes part in (their
        hours are its volunteers' unpaid time)."""
        taking_part = NationalParticipation.objects.filter(
            line=OuterRef("pk"), organisation=organisation, accepted_at__isnull=False
        )
        return self.filter(Q(organisation=organisation) | Exists(taking_part))

    def active(self) -> LineQuerySet:
        return self.filter(active=True)


class Line(models.Model):
    """A support line (phone, chat, …) with its requirements and default staffing."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices, default=LineKind.PHONE)
    colour = models.PositiveSmallIntegerField(
        _("colour"), choices=COLOUR_CHOICES, default=1, help_text=_("Shown as the line's colour in the rota.")
    )
    required_courses = models.ManyToManyField(
        "trainings.Course", blank=True, related_name="lines", verbose_name=_("required trainings")
    )
    needs_pledge = models.BooleanField(_("needs the signed pledge of confidentiality"), default=True)
    needs_record_check = models.BooleanField(_("needs a valid criminal record extract"), default=False)
    min_volunteers = models.PositiveSmallIntegerField(_("minimum volunteers"), default=1)
    max_volunteers = models.PositiveSmallIntegerField(_("maximum volunteers"), default=2)
    needs_experienced = models.BooleanField(
        _("at least one experienced volunteer"),
        default=False,
        help_text=_("The last place on a shift is kept for an experienced volunteer when none is on it."),
    )
    experienced_after_shifts = models.PositiveSmallIntegerField(
        _("experienced after (shifts)"),
        default=10,
        help_text=_("A volunteer counts as experienced after this many completed shifts on this line."),
    )
    required_shadow_shifts = models.PositiveSmallIntegerField(
        _("shadow shifts required"),
        default=0,
        help_text=_("Completed shadow shifts a volunteer needs before she may take this line's shifts."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_volunteers__gte=1) & Q(min_volunteers__lte=models.F("max_volunteers")),
                name="line_staffing_min_le_max",
                violation_error_message=_("The minimum must be at least 1 and not above the maximum."),
            ),
            models.CheckConstraint(condition=Q(colour__gte=1, colour__lte=8), name="line_colour_1_to_8"),
            models.UniqueConstraint(fields=["organisation", "name"], name="line_unique_name_per_shelter"),
        ]

    def __str__(self):
        return self.name

    @property
    def css_colour(self) -> str:
        return f"line-colour-{self.colour}"

    @property
    def is_national(self) -> bool:
        """A line of the federation's national rota, staffed by volunteers of several shelters."""
        return self.organisation.national


class NationalParticipation(models.Model):
    """A shelter invited to a national line (issue 20). It takes part once its coordinator has accepted; then she
    chooses which of her volunteers may take the line's shifts (NationalVolunteer)."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="participations", verbose_name=_("line"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="national_participations", verbose_name=_("shelter")
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    accepted_at = models.DateTimeField(_("taking part since"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )

    class Meta:
        verbose_name = _("shelter on a national line")
        verbose_name_plural = _("shelters on national lines")
        ordering = ["line", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["line", "organisation"], name="national_participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.line}"


class NationalVolunteer(models.Model):
    """A volunteer her coordinator has let in on a national line her shelter takes part in."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="national_volunteers", verbose_name=_("line"))
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="national_lines", verbose_name=_("volunteer")
    )
    added_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("let in by")
    )
    added_at = models.DateTimeField(_("let in"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer on a national line")
        verbose_name_plural = _("volunteers on national lines")
        ordering = ["line", "member"]
        constraints = [models.UniqueConstraint(fields=["line", "member"], name="national_volunteer_once")]

    def __str__(self) -> str:
        return f"{self.member} – {self.line}"


def validate_weekdays(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(_("Choose at least one weekday."))


class ShiftPatternQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> ShiftPatternQuerySet:
        return self.filter(line__organisation=organisation)


class ShiftPattern(models.Model):
    """ "Mon–Thu 20:00–23:00, 2–3 volunteers, every week (or every N weeks from the anchor date)"."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="patterns", verbose_name=_("line"))
    weekdays = models.JSONField(
        _("weekdays"), default=list, validators=[validate_weekdays], help_text=_("0 = Monday … 6 = Sunday")
    )
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"), help_text=_("An end at or before the start means the next day."))
    min_volunteers = models.PositiveSmallIntegerField(_("minimum volunteers"), null=True, blank=True)
    max_volunteers = models.PositiveSmallIntegerField(_("maximum volunteers"), null=True, blank=True)
    every_n_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    anchor_date = models.DateField(_("first week"), help_text=_("A date in a week the pattern runs."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShiftPatternQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")
        ordering = ["line", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(every_n_weeks__gte=1), name="pattern_every_n_weeks_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="pattern_valid_until_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def effective_min(self) -> int:
        return self.min_volunteers if self.min_volunteers is not None else self.line.min_volunteers

    @property
    def effective_max(self) -> int:
        return self.max_volunteers if self.max_volunteers is not None else self.line.max_volunteers


class Staffing(models.TextChoices):
    UNDER = "under", _("Under minimum")
    OK = "ok", _("OK")
    FULL = "full", _("Full")


class ShiftQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> ShiftQuerySet:
        return self.filter(line__organisation=organisation)

    def open_to(self, member: Member) -> ShiftQuerySet:
        """Shifts of her shelter's lines and of the national lines she has been let in on."""
        return self.filter(Q(line__organisation=member.organisation_id) | let_in_on_national_line(member, "line"))

    def not_cancelled(self) -> ShiftQuerySet:
        return self.filter(cancelled_at=None)

    def upcoming(self, now: datetime) -> ShiftQuerySet:
        return self.filter(starts_at__gt=now)

    def between(self, start: datetime, end: datetime) -> ShiftQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def with_staffing(self) -> ShiftQuerySet:
        """Annotate confirmed_count (shadows excluded), shadow_count and staffing (under/ok/full) in the same query."""
        return self.annotate(
            confirmed_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.CONFIRMED)),
            shadow_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.SHADOW)),
        ).annotate(
            staffing=Case(
                When(confirmed_count__lt=models.F("min_volunteers"), then=Value(Staffing.UNDER)),
                When(confirmed_count__gte=models.F("max_volunteers"), then=Value(Staffing.FULL)),
                default=Value(Staffing.OK),
                output_field=models.CharField(),
            )
        )


class Shift(models.Model):
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("line"))
    pattern = models.ForeignKey(
        ShiftPattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="shifts", verbose_name=_("pattern")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    min_volunteers = models.PositiveSmallIntegerField(_("minimum volunteers"))
    max_volunteers = models.PositiveSmallIntegerField(_("maximum volunteers"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[single_line])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(min_volunteers__lte=models.F("max_volunteers")), name="shift_staffing_min_le_max"
            ),
            models.UniqueConstraint(fields=["pattern", "starts_at"], name="shift_unique_pattern_start"),
        ]
        indexes = [models.Index(fields=["line", "starts_at"], name="shift_line_start_idx")]

    def __str__(self):
        return f"{self.line} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def local_date(self) -> date:
        """The shelter's calendar date the shift starts on (the date the qualification rule uses)."""
        return self.starts_at.astimezone(self.line.organisation.zone).date()


class AssignmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    SHADOW = "shadow", _("Shadow")
    RELEASED = "released", _("Released")


ACTIVE_STATUSES = (AssignmentStatus.CONFIRMED, AssignmentStatus.SHADOW)


class AssignmentQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> AssignmentQuerySet:
        return self.filter(shift__line__organisation=organisation)

    def active(self) -> AssignmentQuerySet:
        """On the shift (confirmed or shadow), whatever the shift's state."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> AssignmentQuerySet:
        return self.filter(status=AssignmentStatus.CONFIRMED)

    def shadows(self) -> AssignmentQuerySet:
        return self.filter(status=AssignmentStatus.SHADOW)

    def completed(self, now: datetime) -> AssignmentQuerySet:
        """Done: the shift was not cancelled and has ended."""
        return self.filter(shift__cancelled_at=None, shift__ends_at__lte=now)

    def completed_shadow_shifts(self, *, member: Member, line: Line, now: datetime) -> int:
        return self.shadows().completed(now).filter(member=member, shift__line=line).count()

    def completed_shifts(self, *, member: Member, line: Line, now: datetime) -> int:
        return self.confirmed().completed(now).filter(member=member, shift__line=line).count()


class Assignment(models.Model):
    """A member on a shift: confirmed (counts toward staffing), shadow (beside an experienced volunteer), or
    released (kept for history; the place is free again)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shift"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("member"))
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.CONFIRMED
    )
    created_at = models.DateTimeField(_("created"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("released by")
    )
    overridden_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("rule overridden by")
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["shift", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "member"],
                condition=Q(status__in=["confirmed", "shadow"]),
                name="assignment_one_active_per_shift_member",
            ),
        ]
        indexes = [models.Index(fields=["member", "status"], name="assignment_member_status_idx")]

    def __str__(self):
        return f"{self.member_id} @ {self.shift_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class WaitingListEntryQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> WaitingListEntryQuerySet:
        return self.filter(shift__line__organisation=organisation)


class WaitingListEntry(models.Model):
    """A place in the queue for a full shift; the first qualified one gets a place that frees up."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="waiting_list", verbose_name=_("shift"))
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="waiting_list_entries", verbose_name=_("member")
    )
    created_at = models.DateTimeField(_("on the waiting list since"))

    objects = WaitingListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting-list place")
        verbose_name_plural = _("waiting-list places")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["shift", "member"], name="waiting_list_unique_shift_member")]

    def __str__(self):
        return f"{self.member_id} waiting for {self.shift_id}"


class SwapOfferQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> SwapOfferQuerySet:
        """Offers by the shelter's volunteers: swaps stay inside a shelter, on a national line's shifts too."""
        return self.filter(assignment__member__organisation=organisation)

    def open(self, now: datetime) -> SwapOfferQuerySet:
        """Not taken, not withdrawn, on a shift that is neither cancelled nor started."""
        return self.filter(
            taken_at=None,
            withdrawn_at=None,
            assignment__status=AssignmentStatus.CONFIRMED,
            assignment__shift__cancelled_at=None,
            assignment__shift__starts_at__gt=now,
        )


class SwapOffer(models.Model):
    """She offers her shift; she stays responsible until a qualified colleague takes it."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="swap_offers", verbose_name=_("assignment")
    )
    created_at = models.DateTimeField(_("offered"))
    taken_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("taken by")
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    taken_assignment = models.OneToOneField(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="taken_from_offer"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = SwapOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("swap offer")
        verbose_name_plural = _("swap offers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(taken_at=None, withdrawn_at=None),
                name="swap_offer_one_open_per_assignment",
            ),
        ]

    def __str__(self):
        return f"offer {self.pk} of assignment {self.assignment_id}"

    @property
    def is_open(self) -> bool:
        return self.taken_at is None and self.withdrawn_at is None


class RotaChangeKind(models.TextChoices):
    ADDED = "added", _("added")
    REMOVED = "removed", _("removed")


class RotaChangeQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> RotaChangeQuerySet:
        """Changes to the shelter's volunteers' places: its own shifts, and national ones its coordinator made."""
        return self.filter(member__organisation=organisation)

    def unpublished(self) -> RotaChangeQuerySet:
        return self.filter(published_at=None)


class RotaChange(models.Model):
    """A coordinator's edit of a volunteer's rota, waiting to be published in one batched notice."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="rota_changes", verbose_name=_("shift"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rota_changes", verbose_name=_("member"))
    kind = models.CharField(_("change"), max_length=10, choices=RotaChangeKind.choices)
    created_at = models.DateTimeField(_("changed"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = RotaChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rota change")
        verbose_name_plural = _("rota changes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["published_at", "member"], name="rotachange_unpublished_idx")]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.shift_id}"


class CalendarTokenQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> CalendarTokenQuerySet:
        return self.filter(member__organisation=organisation)


class CalendarToken(models.Model):
    """A secret calendar-feed link: her own shifts (line empty) or, for a coordinator, one line's shifts.

    Only the SHA-256 of the token is stored, so a copy of the database does not reveal any feed; the link
    is shown once, right after it is created. Revoking deletes the row."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="calendar_tokens", verbose_name=_("member")
    )
    line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_tokens", verbose_name=_("line")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(line=None), name="calendar_token_one_personal_per_member"
            ),
            models.UniqueConstraint(fields=["member", "line"], name="calendar_token_one_per_member_line"),
        ]

    def __str__(self):
        return f"calendar {self.member_id} {self.line_id or '-'}"


# -- Availability: absences, her wishes, the shelter's workload rules (issue 17) ------------------------------

ABSENCE_MAX_DAYS = 366


class AbsenceQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> AbsenceQuerySet:
        return self.filter(member__organisation=organisation)

    def overlapping(self, first: date, last: date) -> AbsenceQuerySet:
        """Absences that cover at least one day from `first` to `last` (inclusive)."""
        return self.filter(starts_on__lte=last, ends_on__gte=first)


class Absence(models.Model):
    """A period she is away (frånvaro), from `starts_on` to `ends_on` inclusive, in the shelter's calendar.
    No reason is asked or stored. Coordinators see that she is away and when, nothing more; other volunteers
    nothing at all."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absences", verbose_name=_("member"))
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("away until"))
    created_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("marked by")
    )
    created_at = models.DateTimeField(_("marked"))

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]
        indexes = [models.Index(fields=["member", "ends_on"], name="absence_member_ends_idx")]

    def __str__(self):
        return f"{self.member_id} away {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class TimeOfDay(models.TextChoices):
    """When a shift starts, by its local start hour (see `time_of_day`)."""

    MORNING = "morning", _("Morning (06–12)")
    DAY = "day", _("Daytime (12–17)")
    EVENING = "evening", _("Evening (17–22)")
    NIGHT = "night", _("Night (22–06)")


def time_of_day(local_start_hour: int) -> str:
    """The part of the day a shift belongs to, by the hour it starts in the shelter's time zone: morning 06:00–11:59,
    daytime 12:00–16:59, evening 17:00–21:59, night 22:00–05:59."""
    if 6 <= local_start_hour < 12:
        return TimeOfDay.MORNING
    if 12 <= local_start_hour < 17:
        return TimeOfDay.DAY
    if 17 <= local_start_hour < 22:
        return TimeOfDay.EVENING
    return TimeOfDay.NIGHT


def validate_times_of_day(value) -> None:
    if not isinstance(value, list) or any(v not in TimeOfDay.values for v in value) or len(set(value)) != len(value):
        raise ValidationError(_("Choose times of day from the list."))


def validate_weekday_list(value) -> None:
    """Like validate_weekdays, but an empty list is allowed (no preference)."""
    if value:
        validate_weekdays(value)
    elif not isinstance(value, list):
        raise ValidationError(_("Choose weekdays from the list."))


class Wishes(models.Model):
    """Her wishes for the rota (önskemål), all optional: the weekdays, times of day and lines she prefers, and at
    most how many shifts a week and a month she wants. They are wishes: suggestions use them, and the limits are
    enforced as a rule (`within_own_limits`) only where the shelter's workload rules say so."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="wishes", verbose_name=_("member"))
    weekdays = models.JSONField(
        _("preferred weekdays"), default=list, blank=True, validators=[validate_weekday_list], help_text=_("0 = Monday")
    )
    times_of_day = models.JSONField(
        _("preferred times of day"), default=list, blank=True, validators=[validate_times_of_day]
    )
    lines = models.ManyToManyField(Line, blank=True, related_name="+", verbose_name=_("preferred lines"))
    max_per_week = models.PositiveSmallIntegerField(
        _("at most shifts a week"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    max_per_month = models.PositiveSmallIntegerField(
        _("at most shifts a month"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("wishes")
        verbose_name_plural = _("wishes")

    def __str__(self):
        return f"wishes {self.member_id}"


class WorkloadRules(models.Model):
    """The shelter's workload rules, set by its admin. Blank (or off) is no limit; a shelter without a row has no
    limits (`for_organisation` hands out an unsaved default). Each limit is one sign-up rule in shifts/rules.py
    that a coordinator may override with a reason."""

    MAX_REST_HOURS = 72

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="workload_rules", verbose_name=_("shelter")
    )
    max_per_week = models.PositiveSmallIntegerField(
        _("at most shifts a week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A week is Monday to Sunday. Leave empty for no limit."),
    )
    max_per_month = models.PositiveSmallIntegerField(
        _("at most shifts a month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    rest_hours_after_night = models.PositiveSmallIntegerField(
        _("rest after a night shift (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REST_HOURS)],
        help_text=_(
            "A night shift is one with any time between 00:00 and 05:00. Leave empty for no rest rule "
            "(at most 72 hours)."
        ),
    )
    no_back_to_back = models.BooleanField(
        _("no shifts back to back"),
        default=False,
        help_text=_("A volunteer may not take a shift that starts when another of hers ends, on any line."),
    )
    enforce_own_limits = models.BooleanField(
        _("enforce volunteers' own limits"),
        default=False,
        help_text=_("A volunteer's own “at most N shifts a week/month” is kept like a rule, not only as a wish."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("workload rules")
        verbose_name_plural = _("workload rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(rest_hours_after_night__isnull=True) | Q(rest_hours_after_night__lte=72),
                name="workload_rest_hours_at_most_72",
                violation_error_message=_("The rest after a night shift can be at most 72 hours."),
            ),
        ]

    def __str__(self):
        return f"workload rules {self.organisation_id}"

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> WorkloadRules:
        """The shelter's rules, or an unsaved default (no limits) when it has none yet."""
        return cls.objects.filter(organisation=organisation).first() or cls(organisation=organisation)


# -- Call-outs: a discreet ask to chosen volunteers to take a gap (issue 17; services in shifts/callouts.py) -----


class CallOutEnd(models.TextChoices):
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed by a coordinator")


class CallOutQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> CallOutQuerySet:
        return self.filter(shift__line__organisation=organisation)

    def open(self, now: datetime) -> CallOutQuerySet:
        """Not filled or closed, on a shift that is neither cancelled nor started (an ask expires at the start)."""
        return self.filter(closed_at=None, shift__cancelled_at=None, shift__starts_at__gt=now)


class CallOut(models.Model):
    """A coordinator's discreet ask (förfrågan om pass) to chosen volunteers to take `places` places on a shift:
    one `CallOutAsk`, and one notice, per volunteer. The first to accept get the places through the sign-up
    service; when they are filled it ends and the others are told. It expires at the shift's start."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="callouts", verbose_name=_("shift"))
    places = models.PositiveSmallIntegerField(_("places asked for"), validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"))
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended = models.CharField(_("how it ended"), max_length=10, choices=CallOutEnd.choices, blank=True)
    closed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("closed by")
    )

    objects = CallOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("call-out")
        verbose_name_plural = _("call-outs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="callout_places_positive"),
            models.UniqueConstraint(fields=["shift"], condition=Q(closed_at=None), name="callout_one_open_per_shift"),
        ]

    def __str__(self):
        return f"call-out {self.pk} for {self.shift_id}"


class AskAnswer(models.TextChoices):
    TAKEN = "taken", _("Took the shift")
    DECLINED = "declined", _("Cannot")


class CallOutAsk(models.Model):
    """One volunteer asked in a call-out. Her link (`shifts.callouts.answer_token`) is signed and carries this
    row's pk and random `key`, so it answers this ask and no other."""

    callout = models.ForeignKey(CallOut, on_delete=models.CASCADE, related_name="asks", verbose_name=_("call-out"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="callout_asks", verbose_name=_("member"))
    key = models.CharField(max_length=16)
    created_at = models.DateTimeField(_("asked"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=AskAnswer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # She tried to take it and a rule refused her (the rule's reason as a coordinator reads it); she may try again.
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    refusal = models.CharField(_("why she was refused"), max_length=500, blank=True)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assignment")
    )

    class Meta:
        verbose_name = _("call-out ask")
        verbose_name_plural = _("call-out asks")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["callout", "member"], name="callout_ask_once_per_member")]

    def __str__(self):
        return f"ask {self.pk} of call-out {self.callout_id} to {self.member_id}"


class PriorShifts(models.Model):
    """Shifts she worked before the shelter used Jourplan (issue 19): a count, on one line or on any line, as of a
    date. The experience rule counts them with the shifts recorded in Jourplan."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="prior_shifts")
    line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.CASCADE, related_name="prior_shifts",
        help_text=_("Empty: shifts on any line (not known which)."),
    )  # fmt: skip
    count = models.PositiveIntegerField(_("shifts"), validators=[MaxValueValidator(10000)])
    as_of = models.DateField(_("until"), help_text=_("The date up to which these shifts were worked."))
    recorded_by = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prior shifts")
        verbose_name_plural = _("prior shifts")
        ordering = ["member", "line"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.count} ({self.line_id or '-'})"
