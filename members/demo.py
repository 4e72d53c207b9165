"""Demo shelter for `make run`: known logins, printed at the end. Running it again changes nothing."""

from allauth.account.models import EmailAddress

from .models import Member, MemberStatus, Organisation, Role, User

DEMO_PASSWORD = "demo-jourplan-2026"
DEMO_SLUG = "demo"

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
    if not User.objects.filter(email="operator@jourplan.test").exists():
        User.objects.create_superuser(email="operator@jourplan.test", password=DEMO_PASSWORD)
    return organisation


def logins() -> list[tuple[str, str]]:
    rows = [(email, role.label) for _, _, email, role in PEOPLE[:4]]
    rows.append(("operator@jourplan.test", "federation operator"))
    return rows
