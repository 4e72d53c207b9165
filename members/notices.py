"""The register's notice kinds (listed in settings.NOTICE_KINDS): invitations (a set-password link for a login an
invitation made, or "log in and answer" for an address that already has a login) and the request to sign a new
version of the confidentiality pledge, planned by services when something happens; and the membership fee
reminder, planned by beat's scan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from notices.kinds import NoticeKind, subject_of
from notices.models import Notice, NoticeStatus, Topic
from notices.outbox import DropNotice, Message, notice_plan_many, render_template_message, site_url

from .fees import FEE_PAYING_STATUSES, ReminderRound, fee_due_date, members_owing_fee, reminder_round
from .models import FeeRate, Member, MemberStatus, Payment, PledgeSignature, PledgeText, Role
from .onboarding import current_pledge


class Invitation(NoticeKind):
    """The invitation: a set-your-password link (allauth's reset token), made at send time."""

    slug = "invitation"
    label = _("Invitation")
    planned_by = "members.services.member_invite"
    # Always by e-mail, whatever she chose (Topic.ACCOUNT): a set-password link in an SMS or on a lock screen
    # opens her login to whoever holds the phone.
    topic = Topic.ACCOUNT

    def is_obsolete(self, notice: Notice) -> str:
        user = notice.recipient.user
        if user is None or not user.is_active:
            return "The member has no active login."
        if user.has_usable_password():
            return "The member has already set a password."
        if user.last_login is not None or user.is_staff or user.is_superuser:
            return "The login is in use; a shelter never sends a key for it."
        return ""

    def render(self, notice: Notice) -> Message:
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        user = notice.recipient.user
        # The key is for this login, and _deliver sends it to this login's own address (recipient_email).
        key = default_token_generator.make_token(user)
        link = site_url(
            reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
        )
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        return render_template_message(
            self.template_name, {"member": notice.recipient, "link": link, "days": days, "login_url": site_url("/")}
        )


class MembershipInvitation(NoticeKind):
    """An invitation to an address that already has a login: no key, only "log in and answer". Nothing is
    linked until she accepts; a withdrawn, answered or retargeted invitation is dropped."""

    slug = "membership_invitation"
    label = _("Invitation for an existing login")
    planned_by = "members.services.member_invite"
    topic = Topic.ACCOUNT  # always by e-mail, like the invitation: it is about her login

    def is_obsolete(self, notice: Notice) -> str:
        member = notice.recipient
        if member.user_id or member.invited_at is None or member.erased_at or member.status == MemberStatus.LEFT:
            return "The invitation is no longer open."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"member": notice.recipient, "login_url": site_url("/")})


class PledgeNewVersion(NoticeKind):
    """Asks a member who signed an older version of the pledge to sign the new one."""

    slug = "pledge_new_version"
    label = _("New confidentiality pledge")
    planned_by = "members.services.pledge_publish (through plan_pledge_sign_again)"
    topic = Topic.ACCOUNT  # always by e-mail: it links to a page behind her login

    def load(self, notice: Notice) -> PledgeText | None:
        return subject_of(PledgeText.objects.all(), notice)

    def is_obsolete(self, notice: Notice) -> str:
        """Dropped when she has signed it meanwhile, a newer version replaced it, or she has left."""
        member, pledge = notice.recipient, self.subject(notice)
        if pledge is None or current_pledge(member.organisation) != pledge:
            return "Not the current pledge any more."
        if member.status == MemberStatus.LEFT or member.erased_at:
            return "The member has left."
        if PledgeSignature.objects.filter(member=member, pledge_text=pledge).exists():
            return "Already signed."
        return ""

    def render(self, notice: Notice) -> Message:
        member, pledge = notice.recipient, self.subject(notice)
        link = site_url(reverse("members:pledge", kwargs={"organisation": member.organisation.slug}))
        return render_template_message(self.template_name, {"member": member, "link": link, "version": pledge.version})


def plan_pledge_sign_again(pledge_text: PledgeText) -> int:
    """Plan a notice to every current member with a login who signed an older version of the pledge."""
    signed_before = PledgeSignature.objects.filter(
        pledge_text__organisation=pledge_text.organisation, pledge_text__version__lt=pledge_text.version
    ).values("member_id")
    recipients = (
        Member.objects.for_organisation(pledge_text.organisation).current().with_login().filter(pk__in=signed_before)
    )
    return notice_plan_many(
        {"recipient": member, "kind": PledgeNewVersion.slug, "subject": pledge_text} for member in recipients
    )


@dataclass(frozen=True)
class FeeFacts:
    """What a fee reminder needs at send time: the year, whether she has paid it, and her fee (None: no rate)."""

    year: int
    paid: bool
    amount: Decimal | None


def _reminder_year_and_round(notice: Notice) -> tuple[int, int] | None:
    year, _sep, number = notice.variant.partition(":")
    if not (year.isdigit() and number.isdigit()):
        return None
    return int(year), int(number)


class FeeReminder(NoticeKind):
    """After the shelter's fee due date, each member who owes the year's fee and has no payment recorded for
    it is reminded, once per round of `fee_reminder_interval_days` days (members.fees), with the shelter's
    payment text. It stops when a payment is recorded (by hand or imported), when the shelter switches
    reminders off, when she leaves, and at the end of the year."""

    slug = "fee_reminder"
    label = _("Membership fee reminder")
    topic = Topic.ACCOUNT

    def plan(self, now: datetime) -> int:
        """The shelters with reminders on whose fee is due, in groups that share a round (most keep the default
        due date and interval): one query per group (who owes a reminder now), plus notice_plan_many's when
        someone does, whatever the number of members. Running it again in the same round plans nothing."""
        groups: dict[tuple[ReminderRound, datetime, datetime], list[Organisation]] = defaultdict(list)
        for organisation in Organisation.objects.filter(fee_reminders_enabled=True):
            current = reminder_round(organisation, now)
            if current is not None:
                zone = organisation.zone
                today = now.astimezone(zone).date()
                # Never two reminders within one interval, even when the interval was changed mid-year or a
                # reminder went late (quiet hours, a retry): one planned to go after (today - interval) holds her.
                recent_since = datetime.combine(
                    today - timedelta(days=organisation.fee_reminder_interval_days - 1), time(0), tzinfo=zone
                )
                groups[(current, recent_since, current.send_at(organisation))].append(organisation)
        planned = 0
        for (current, recent_since, send_at), organisations in groups.items():
            hers = Notice.objects.filter(recipient=OuterRef("pk"), kind=self.slug)
            this_round = hers.filter(variant=current.variant)  # planned already (sent, waiting or dropped)
            recent = hers.filter(variant__startswith=f"{current.year}:", due_at__gte=recent_since).exclude(
                status=NoticeStatus.DROPPED
            )
            owing = members_owing_fee(organisations, current.year).order_by()
            members = list(owing.exclude(Exists(this_round)).exclude(Exists(recent)))
            if not members:
                continue
            due_at = max(send_at, now)
            planned += notice_plan_many(
                {"recipient": member, "kind": self.slug, "variant": current.variant, "due_at": due_at}
                for member in members
            )
        return planned

    def load(self, notice: Notice) -> FeeFacts | None:
        found = _reminder_year_and_round(notice)
        if found is None:
            return None
        year, member = found[0], notice.recipient
        rate = FeeRate.objects.filter(
            organisation_id=member.organisation_id, year=year, membership_type=member.membership_type
        ).first()
        paid = Payment.objects.filter(member=member, year=year).exists()
        return FeeFacts(year=year, paid=paid, amount=rate.amount if rate is not None else None)

    def is_obsolete(self, notice: Notice) -> str:
        member = notice.recipient
        organisation = member.organisation
        if not organisation.fee_reminders_enabled:
            return "Fee reminders are switched off."
        if member.erased_at or member.status not in FEE_PAYING_STATUSES:
            return "She is not a member who pays the fee (she left, or is not a member yet)."
        current = reminder_round(organisation, timezone.now())
        if current is None or current.variant != notice.variant:
            return "Its round of reminders is over (a later one, or none, applies now)."
        facts = self.subject(notice)
        if facts is None:
            return "Not a fee reminder round."
        if facts.paid:
            return "A payment for the year has been recorded."
        if facts.amount == 0:
            return "Her membership has no fee this year."
        return ""

    def render(self, notice: Notice) -> Message:
        member, facts = notice.recipient, self.subject(notice)
        if facts is None:
            raise DropNotice("Not a fee reminder round.")
        organisation = member.organisation
        return render_template_message(
            self.template_name,
            {
                "member": member,
                "year": str(facts.year),
                "amount": facts.amount,
                "due_on": fee_due_date(organisation, facts.year),
                "payment_text": organisation.fee_payment_text.strip(),
            },
        )


class ErasureRequested(NoticeKind):
    """To the shelter's admins: a member has asked to be erased (issue 19). It names nobody: the link leads to her
    page, behind the admin's login, where the erase button completes it."""

    slug = "erasure_requested"
    label = _("Erasure requested by a member")
    planned_by = "members.services.member_erasure_request"
    topic = Topic.ACCOUNT  # by e-mail: it is about the register

    def load(self, notice: Notice) -> Member | None:
        return subject_of(Member.objects.all(), notice)

    def is_obsolete(self, notice: Notice) -> str:
        member, admin = self.subject(notice), notice.recipient
        if member is None or member.erased_at is not None:
            return "The member is already erased."
        if admin.role != Role.ADMIN or admin.status == MemberStatus.LEFT or admin.erased_at is not None:
            return "The recipient is no longer an admin."
        return ""

    def render(self, notice: Notice) -> Message:
        member = self.subject(notice)
        link = site_url(
            reverse("members:member_detail", kwargs={"organisation": member.organisation.slug, "pk": member.pk})
        )
        return render_template_message(self.template_name, {"recipient": notice.recipient, "link": link})


class InterestReceived(NoticeKind):
    """Tells each coordinator of the shelter that someone asked to join through the public form: no name, no
    shelter, only a link to her page in the register (behind the coordinator's login)."""

    slug = "interest_received"
    label = _("New expression of interest")
    planned_by = "members.interest.interest_submit"
    # By e-mail only (Topic.ACCOUNT): it is about the register and links to a page behind the login; an SMS or
    # a push on a lock screen has nothing to act on, and e-mail is the channel every coordinator has.
    topic = Topic.ACCOUNT

    def load(self, notice: Notice) -> Member | None:
        return subject_of(Member.objects.all(), notice)

    def is_obsolete(self, notice: Notice) -> str:
        prospect = self.subject(notice)
        if prospect is None or prospect.erased_at or prospect.status != MemberStatus.PROSPECTIVE:
            return "She is no longer a prospective member (declined, erased or taken on)."
        return ""

    def render(self, notice: Notice) -> Message:
        prospect = self.subject(notice)
        link = site_url(
            reverse("members:member_detail", kwargs={"organisation": prospect.organisation.slug, "pk": prospect.pk})
        )
        return render_template_message(self.template_name, {"member": notice.recipient, "link": link})


class InterestReceipt(NoticeKind):
    """Her receipt for the interest form, by e-mail only: "thank you, we will be in touch" — no shelter name."""

    slug = "interest_receipt"
    label = _("Receipt for an expression of interest")
    planned_by = "members.interest.interest_submit"
    topic = Topic.ACCOUNT  # e-mail only: she has no login, no channel choices, and an SMS could be read by others

    def is_obsolete(self, notice: Notice) -> str:
        member = notice.recipient
        if member.erased_at or not member.email:
            return "She has been erased."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"member": notice.recipient})
