"""Demo shelter for `make run`: known logins, printed at the end. Running it again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Organisation, User

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

DEMO_PASSWORD = "demo-jourplan-2026"
DEMO_SLUG = "demo"
OPERATOR_EMAIL = "operator@jourplan.test"

PEOPLE = [
    ("Sara", "Lind", "coordinator@demo.jourplan.test", Role.COORDINATOR),
    ("Maria", "Ek", "admin@demo.jourplan.test", Role.ADMIN),
    ("Anna", "Berg", "anna@demo.jourplan.test", Role.VOLUNTEER),
    ("Lena", "Holm", "lena@demo.jourplan.test", Role.VOLUNTEER),
    ("Karin", "Sjöberg", "karin@demo.jourplan.test", Role.VOLUNTEER),
    ("Eva", "Nyström", "eva@demo.jourplan.test", Role.VOLUNTEER),
    ("Fatima", "Hassan", "fatima@demo.jourplan.test", Role.VOLUNTEER),
    ("Johanna", "Wikström", "johanna@demo.jourplan.test", Role.VOLUNTEER),
    ("Elin", "Lundqvist", "elin@demo.jourplan.test", Role.VOLUNTEER),
    ("Aisha", "Mohammed", "aisha@demo.jourplan.test", Role.VOLUNTEER),
    ("Ingrid", "Dahl", "ingrid@demo.jourplan.test", Role.VOLUNTEER),
    ("Sofia", "Engström", "sofia@demo.jourplan.test", Role.VOLUNTEER),
]


def seed(stdout=None) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_SLUG, defaults={"name": "Kvinnojouren Exempel", "time_zone": "Europe/Stockholm"}
    )
    for first, last, email, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        Member.objects.get_or_create(
            organisation=organisation,
            user=user,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "role": role,
                "status": MemberStatus.ACTIVE,
            },
        )
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    if operator is None:
        operator = User.objects.create_superuser(email=OPERATOR_EMAIL, password=DEMO_PASSWORD)
    # allauth lets nobody in without a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory"); without
    # this row the operator's login stopped at "confirm your e-mail", with no mail ever sent to confirm.
    EmailAddress.objects.get_or_create(
        user=operator, email=OPERATOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    seed_register(organisation)
    return organisation


# Members without a login, in the other states of the register: (first, last, e-mail, status, type).
REGISTER_ONLY = [
    ("Mira", "Ståhl", "mira@demo.jourplan.test", MemberStatus.PROSPECTIVE, MembershipType.FULL),
    ("Nora", "Björk", "nora@demo.jourplan.test", MemberStatus.PAUSED, MembershipType.FULL),
    ("Tove", "Falk", "tove@demo.jourplan.test", MemberStatus.LEFT, MembershipType.FULL),
    ("Greta", "Lund", "greta@demo.jourplan.test", MemberStatus.ACTIVE, MembershipType.SUPPORTING),
]
# Who has NOT paid this year (by e-mail); everyone else current has.
UNPAID = {"sofia@demo.jourplan.test", "ingrid@demo.jourplan.test", "mira@demo.jourplan.test"}

PLEDGE_TEXT = (
    "Jag lovar att inte föra vidare något av det jag får veta om de kvinnor och barn som söker stöd hos jouren, "
    "varken under eller efter min tid som ideell. Tystnadslöftet gäller även uppgifter om andra ideella och om "
    "var jouren och det skyddade boendet finns."
)


def seed_register(organisation: Organisation) -> None:
    """Members in all states, fees paid and unpaid, a pledge text. Creates only what is missing."""
    today = timezone.localdate()
    for first, last, email, status, membership_type in REGISTER_ONLY:
        Member.objects.get_or_create(
            organisation=organisation,
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "status": status,
                "membership_type": membership_type,
                "member_since": date(today.year - 3, 9, 1),
                "status_changed_on": today - timedelta(days=40) if status != MemberStatus.ACTIVE else None,
                "left_on": today - timedelta(days=40) if status == MemberStatus.LEFT else None,
            },
        )
    Member.objects.filter(organisation=organisation, member_since=None).update(member_since=date(today.year - 2, 2, 1))
    for membership_type, rate in ((MembershipType.FULL, "200"), (MembershipType.SUPPORTING, "100")):
        for year in (today.year - 1, today.year):
            FeeRate.objects.get_or_create(
                organisation=organisation,
                year=year,
                membership_type=membership_type,
                defaults={"amount": Decimal(rate)},
            )
    pledge, _ = PledgeText.objects.get_or_create(
        organisation=organisation, version=1, defaults={"text": PLEDGE_TEXT, "published_at": timezone.now()}
    )
    coordinator = Member.objects.filter(organisation=organisation, role=Role.COORDINATOR).first()
    members = Member.objects.filter(organisation=organisation, erased_at=None).exclude(status=MemberStatus.LEFT)
    for index, member in enumerate(members.order_by("pk")):
        amount = Decimal("100") if member.membership_type == MembershipType.SUPPORTING else Decimal("200")
        Payment.objects.get_or_create(
            organisation=organisation,
            member=member,
            year=today.year - 1,
            defaults={"amount": amount, "paid_on": date(today.year - 1, 3, 15), "method": PaymentMethod.SWISH},
        )
        if member.email not in UNPAID:
            Payment.objects.get_or_create(
                organisation=organisation,
                member=member,
                year=today.year,
                defaults={
                    "amount": amount,
                    # Most pay in the first weeks of the year; never a date still to come (early January).
                    "paid_on": min(date(today.year, 1, 1) + timedelta(days=3 * index), today),
                    "method": PaymentMethod.BANKGIRO if index % 2 else PaymentMethod.SWISH,
                },
            )
        if member.status == MemberStatus.PROSPECTIVE or member.membership_type == MembershipType.SUPPORTING:
            continue
        if not Interview.objects.filter(member=member).exists():
            Interview.objects.create(member=member, held_on=date(today.year - 2, 1, 20), recorded_by=coordinator)
        if index % 4 != 3:  # a few have not signed the pledge yet
            PledgeSignature.objects.get_or_create(member=member, pledge_text=pledge)
        if index % 5 != 4 and not RecordCheck.objects.filter(member=member).exists():
            seen_on = today - timedelta(days=200 + 30 * index)
            RecordCheck.objects.create(
                member=member, seen_on=seen_on, seen_by=coordinator, valid_until=seen_on + timedelta(days=730)
            )


def logins() -> list[tuple[str, str]]:
    rows = [(email, str(role.label)) for _, _, email, role in PEOPLE[:4]]
    rows.append((OPERATOR_EMAIL, "federation operator"))
    return rows
