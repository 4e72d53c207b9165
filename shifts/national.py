"""The federation's national rota (issue 20): lines staffed together by volunteers of several shelters, such as
the summer chat.

A national line is an ordinary `Line` (patterns, shifts, staffing, the sign-up rules) held by the federation's own
organisation (`Organisation.national`), which has no members and is never listed as a shelter. The operator
creates the line and invites shelters (`NationalParticipation`); a shelter takes part once one of its
coordinators accepts, and she then lets her volunteers in (`NationalVolunteer`). A volunteer let in takes the
line's shifts under her own shelter's rules (trainings, workload, absences).

Names never cross a shelter border: a volunteer sees colleagues of her own shelter by first name and the rest as
"a volunteer from another shelter"; a coordinator sees her own volunteers and counts for the rest; the operator
sees counts per shelter. `colleague_label` and `counts_by_shelter` are the two places that decide this.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import JourplanError
from core.models import Organisation, User
from members.models import Member, MemberStatus, Role
from members.organisation_settings import settings_save
from trainings.models import Course, CoursePurpose

from .models import Assignment, AssignmentStatus, Line, NationalParticipation, NationalVolunteer, Shift

NATIONAL_SLUG = "nationella-linjer"
NATIONAL_NAME = gettext_lazy("National lines")
ANOTHER_SHELTER = gettext_lazy("a volunteer from another shelter")


class NationalRefused(JourplanError):
    """A national-rota action that may not be done (said in her language)."""


def national_organisation_if_any() -> Organisation | None:
    """The federation's organisation for national lines, or None before the first line."""
    return Organisation.objects.filter(national=True).first()


def national_organisation() -> Organisation:
    """The federation's organisation for national lines, created with the first line."""
    organisation = national_organisation_if_any()
    if organisation is not None:
        return organisation
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=str(NATIONAL_NAME), slug=NATIONAL_SLUG, national=True)
    except IntegrityError:  # created at the same moment by another request
        return Organisation.objects.get(national=True)


def operator_may(user: User) -> bool:
    """The federation's operators (User.is_staff, "federation operator") run the national rota."""
    return bool(user.is_authenticated and user.is_staff)


@transaction.atomic
def national_line_create(*, by: User, **fields) -> Line:
    if not operator_may(by):
        raise NationalRefused(_("Only the federation's operators create national lines."))
    line = Line(organisation=national_organisation(), **fields)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def national_invite(*, line: Line, organisations: Iterable[Organisation], by: User) -> int:
    """Invite shelters to take part; a shelter already invited is left as it is. Returns how many were new."""
    if not operator_may(by) or not line.is_national:
        raise NationalRefused(_("Only the federation's operators invite shelters to a national line."))
    shelters = [o for o in organisations if not o.national]
    known = set(
        NationalParticipation.objects.filter(line=line, organisation__in=shelters).values_list(
            "organisation_id", flat=True
        )
    )
    new = [o for o in shelters if o.pk not in known]
    for organisation in new:  # one row each (at most the federation's shelters), so each is on the audit trail
        NationalParticipation.objects.create(line=line, organisation=organisation)
    return len(new)


def _coordinator_of(member: Member, organisation_id: int) -> None:
    if member.organisation_id != organisation_id or not member.has_role(Role.COORDINATOR):
        raise NationalRefused(_("Only a coordinator of the shelter can decide this."))


@transaction.atomic
def participation_accept(*, participation: NationalParticipation, by: Member) -> NationalParticipation:
    """Her shelter takes part in the national line."""
    _coordinator_of(by, participation.organisation_id)
    participation = NationalParticipation.objects.select_for_update().get(pk=participation.pk)
    if participation.accepted_at is None:
        participation.accepted_at = timezone.now()
        participation.accepted_by = by
        participation.save(update_fields=["accepted_at", "accepted_by"])
    return participation


@transaction.atomic
def participation_leave(*, participation: NationalParticipation, by: Member) -> None:
    """Her shelter declines the invitation or stops taking part: her volunteers may no longer take the line's
    shifts (places already taken stay; a coordinator can release them). The operator can invite it again."""
    _coordinator_of(by, participation.organisation_id)
    NationalVolunteer.objects.filter(
        line=participation.line_id, member__organisation=participation.organisation_id
    ).delete()
    NationalParticipation.objects.filter(pk=participation.pk).delete()


def _taking_part(line: Line, organisation_id: int) -> bool:
    return NationalParticipation.objects.filter(
        line=line, organisation=organisation_id, accepted_at__isnull=False
    ).exists()


@transaction.atomic
def national_volunteers_set(*, line: Line, members: Iterable[Member], by: Member) -> tuple[int, int]:
    """The volunteers of her shelter who may take the line's shifts are exactly `members`. Returns
    (let in, taken off). Only active members of her own shelter can be let in."""
    _coordinator_of(by, by.organisation_id)
    if not line.is_national or not _taking_part(line, by.organisation_id):
        raise NationalRefused(_("Your shelter does not take part in this national line."))
    chosen = {m.pk for m in members}
    allowed = set(
        Member.objects.filter(pk__in=chosen, organisation=by.organisation_id, status=MemberStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    if chosen - allowed:
        raise NationalRefused(_("Only active volunteers of your shelter can be let in."))
    current = set(
        NationalVolunteer.objects.filter(line=line, member__organisation=by.organisation_id).values_list(
            "member_id", flat=True
        )
    )
    added = chosen - current
    removed = current - chosen
    for pk in sorted(added):  # one row each, so who let her in is on the admins' audit trail
        NationalVolunteer.objects.create(line=line, member_id=pk, added_by=by)
    NationalVolunteer.objects.filter(line=line, member__in=removed).delete()
    return len(added), len(removed)


@transaction.atomic
def national_courses_set(*, line: Line, courses: Iterable, by: Member) -> None:
    """The trainings her shelter asks of its volunteers on the national line: exactly `courses`, all her shelter's
    own (another shelter's choice is its own and is left as it is)."""
    _coordinator_of(by, by.organisation_id)
    if not line.is_national or not _taking_part(line, by.organisation_id):
        raise NationalRefused(_("Your shelter does not take part in this national line."))
    chosen = {c.pk for c in courses}
    own = set(
        Course.objects.filter(
            pk__in=chosen, organisation=by.organisation_id, purpose=CoursePurpose.TRAINING
        ).values_list("pk", flat=True)
    )
    if chosen - own:
        raise NationalRefused(_("Choose among your shelter's own trainings."))
    through = Line.required_courses.through
    through.objects.filter(line=line, course__organisation=by.organisation_id).exclude(course__in=own).delete()
    present = set(through.objects.filter(line=line, course__in=own).values_list("course_id", flat=True))
    through.objects.bulk_create([through(line_id=line.pk, course_id=pk) for pk in sorted(own - present)])


# The national lines' own rules, set by the operator: how far ahead volunteers may take their shifts, and until
# when they may release one (the other rules are each volunteer's shelter's).
NATIONAL_SETTINGS = ("signup_window_days", "release_deadline_hours")


def national_settings_update(*, by: User, **values) -> list[str]:
    """Change the national lines' sign-up window and release deadline (within the shelters' bounds); returns the
    fields that changed. Refused with a translated reason, nothing changed."""
    if not operator_may(by):
        raise NationalRefused(_("Only the federation's operators change the national lines' rules."))
    if set(values) - set(NATIONAL_SETTINGS):
        raise TypeError(f"Not a national setting: {', '.join(sorted(set(values) - set(NATIONAL_SETTINGS)))}")
    with transaction.atomic():
        return settings_save(organisation=national_organisation(), values=values, actor=by)


# -- who may see whom --------------------------------------------------------------------------------------


def colleague_label(colleague: Member, viewer: Member) -> str:
    """How a colleague on a shift is named to a volunteer: by first name within her shelter, never across."""
    if colleague.organisation_id == viewer.organisation_id:
        return colleague.first_name
    return str(ANOTHER_SHELTER)


@dataclass(frozen=True)
class ShelterCount:
    organisation_id: int
    name: str
    confirmed: int
    shadows: int


def counts_by_shelter(shifts: Iterable[Shift]) -> dict[int, list[ShelterCount]]:
    """Who is on each national shift, as counts per shelter (no names): one query for all the shifts."""
    ids = [s.pk for s in shifts]
    rows = (
        Assignment.objects.active()
        .filter(shift__in=ids)
        .order_by()
        .values_list("shift_id", "member__organisation_id", "member__organisation__name", "status")
    )
    tally: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    for shift_id, organisation_id, name, status in rows:
        names[organisation_id] = name
        tally[shift_id][(organisation_id, status)] += 1
    result: dict[int, list[ShelterCount]] = {}
    for shift_id in ids:
        per = tally.get(shift_id, Counter())
        shelters = sorted({o for o, _status in per}, key=lambda o: names[o])
        result[shift_id] = [
            ShelterCount(
                organisation_id=o,
                name=names[o],
                confirmed=per[(o, AssignmentStatus.CONFIRMED)],
                shadows=per[(o, AssignmentStatus.SHADOW)],
            )
            for o in shelters
        ]
    return result
