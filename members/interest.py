"""The shelter's public interest form (issue 19): someone who wants to join leaves her name, a way to reach her
and what she would like to do; the shelter's coordinators are told, discreetly, and she gets a receipt.

The form is public (no login), so it resists spam without any third-party service: a honeypot field, a signed
timestamp token (sent faster than INTEREST_MIN_SECONDS or older than a day: dropped), a limit per client address
(ACCOUNT_RATE_LIMITS["interest_form"], allauth's limiter, like the calendar feeds) and caps per shelter and day
(INTEREST_PER_SHELTER_PER_DAY sign-ups stored, INTEREST_NOTICES_PER_DAY of them told to the coordinators). A
dropped sign-up answers the same page as an accepted one, so nothing tells a script what happened.

The kinds of work she may tick: the shelter's active lines by their kind (never a line's own name, which may say
where a protected housing is), from the apps above this one through settings.INTEREST_KIND_SOURCES, plus the
fixed ones below. They are stored as codes in Member.interest_kinds.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import JourplanError
from core.models import Organisation
from notices.outbox import notice_plan_many

from .gdpr import member_erase
from .models import Member, MemberStatus, Role
from .rank import check_may_manage

FORM_SALT = "members.interest.form"  # not a secret: it keeps these signatures apart from others
TOKEN_MAX_AGE = 60 * 60 * 24  # a form older than a day is refused
INTEREST_TEXT_MAX = 2000

# Always offered, whatever lines the shelter runs (code → label).
FIXED_KINDS: dict[str, object] = {
    "support_in_person": gettext_lazy("Support in person (e.g. going along to the police or social services)"),
    "prevention": gettext_lazy("Prevention and advocacy (school talks, events)"),
    "other": gettext_lazy("Something else"),
}


def kind_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """The kinds of work the form offers: the shelter's active lines by kind, then the fixed ones."""
    choices: dict[str, str] = {}
    for path in getattr(settings, "INTEREST_KIND_SOURCES", ()):
        for code, label in import_string(path)(organisation):
            choices.setdefault(code, str(label))
    for code, label in FIXED_KINDS.items():
        choices.setdefault(code, str(label))
    return list(choices.items())


def form_token(organisation: Organisation, *, issued_at: float | None = None) -> str:
    """The signed token the form carries: which shelter and when the form was shown."""
    return signing.dumps(
        {"o": organisation.pk, "t": issued_at if issued_at is not None else time.time()}, salt=FORM_SALT
    )


def token_is_fresh(token: str, organisation: Organisation, *, now: float | None = None) -> bool:
    """True for a token of this shelter's form shown at least INTEREST_MIN_SECONDS and at most a day ago."""
    now = now if now is not None else time.time()
    try:
        value = signing.loads(token or "", salt=FORM_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if not isinstance(value, dict) or value.get("o") != organisation.pk:
        return False
    issued = value.get("t")
    if not isinstance(issued, int | float):
        return False
    return settings.INTEREST_MIN_SECONDS <= now - issued <= TOKEN_MAX_AGE


def coordinators_of(organisation: Organisation):
    return (
        Member.objects.for_organisation(organisation)
        .current()
        .with_login()
        .filter(role__in=[Role.COORDINATOR, Role.ADMIN])
        .select_related("organisation")
    )


@transaction.atomic
def interest_submit(
    *,
    organisation: Organisation,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: object = "",
    kinds: list[str],
    text: str = "",
    now: datetime | None = None,
) -> Member | None:
    """Store one expression of interest as a prospective volunteer without a login, and plan a notice to each
    coordinator (interest_received) and a receipt to her (interest_receipt, by e-mail only: a phone-only sign-up
    gets none). Returns None, storing nothing, when her e-mail address is already in the shelter's register or the
    shelter already took INTEREST_PER_SHELTER_PER_DAY sign-ups
    in the last 24 hours; beyond INTEREST_NOTICES_PER_DAY the sign-up is stored but the coordinators are not told
    again (they see it in the register). The caller has checked the form and the spam guards."""
    from .notices import InterestReceipt, InterestReceived

    now = now or timezone.now()
    # Serialise sign-ups of one shelter, so two at once cannot both pass the caps.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    today = Member.objects.for_organisation(organisation).filter(asked_to_join_at__gt=now - timedelta(days=1)).count()
    if today >= settings.INTEREST_PER_SHELTER_PER_DAY:
        return None
    email = email.strip()
    if email and Member.objects.for_organisation(organisation).filter(email__iexact=email).exists():
        # She is in the register already (or asked before): the coordinators know her; nothing new is stored,
        # and the page she sees is the same, so the form does not tell who is a member.
        return None
    offered = {code for code, _label in kind_choices(organisation)}
    member = Member.objects.create(
        organisation=organisation,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=phone or "",
        role=Role.VOLUNTEER,
        status=MemberStatus.PROSPECTIVE,
        user=None,
        asked_to_join_at=now,
        interest_kinds=[code for code in dict.fromkeys(kinds) if code in offered],
        interest_text=text.strip()[:INTEREST_TEXT_MAX],
    )
    rows = []
    if today < settings.INTEREST_NOTICES_PER_DAY:
        rows += [
            {"recipient": coordinator, "kind": InterestReceived.slug, "subject": member}
            for coordinator in coordinators_of(organisation)
        ]
    if member.email:
        rows.append({"recipient": member, "kind": InterestReceipt.slug, "subject": member})
    notice_plan_many(rows)
    return member


class DeclineRefused(JourplanError):
    pass


@transaction.atomic
def interest_decline(*, member: Member, by: Member) -> Member:
    """A coordinator declines someone who asked to join through the form: she is marked as left and erased at
    once (members.gdpr.member_erase), what she wrote in the form included. Only a prospective member without a
    login who came through the form can be declined this way; the rank rules hold."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_may_manage(by, member)
    if member.status != MemberStatus.PROSPECTIVE or member.asked_to_join_at is None or member.user_id is not None:
        raise DeclineRefused(_("Only someone who asked to join through the form and has no login can be declined."))
    member.status = MemberStatus.LEFT
    member.left_on = member.status_changed_on = timezone.localdate()
    member.interest_kinds = []
    member.interest_text = ""
    member.save(update_fields=["status", "left_on", "status_changed_on", "interest_kinds", "interest_text"])
    return member_erase(member=member, by=by)


def interest_labels(member: Member) -> list[str]:
    """The kinds of work she ticked, by their labels (a code the form no longer offers: as stored)."""
    if not member.interest_kinds:
        return []
    labels = dict(kind_choices(member.organisation))
    return [labels.get(code, code) for code in member.interest_kinds if isinstance(code, str)]


def may_decline(actor: Member, member: Member) -> bool:
    """Whether the coordinator's "Decline" shows: someone who asked through the form, is still prospective, has
    no login, and whom she may manage."""
    from .rank import may_manage

    return (
        member.status == MemberStatus.PROSPECTIVE
        and member.asked_to_join_at is not None
        and member.user_id is None
        and member.erased_at is None
        and may_manage(actor, member)
    )
