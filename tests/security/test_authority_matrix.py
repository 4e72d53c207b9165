"""The authority matrix (issue 13): every staff action on members, for every actor and every kind of target, in
her own shelter and in another, against the rank table of docs/security.md.

- A denied cell changes nothing in any table (a dump of every model before and after).
- An allowed cell does what it says, and nothing more: no other shelter's rows change, and no login changes
  (a login belongs to its person) — except that erasing a membership erases a login that has no other
  membership and no federation standing, and a lost role or membership ends the sessions of such a login.

Actors: volunteer, coordinator, admin of shelter A, and a federation operator (no membership). Targets live in A
("same") or in B ("other"): a volunteer, a coordinator, an admin, a pending invitee (a login made by an
invitation, never used), a volunteer whose login also belongs to shelter C, a volunteer whose login is an
operator's, and a volunteer under protected identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import Organisation, User
from memberpath.models import PathProgress, PathStep
from memberpath.services import path_standard_create
from members import imports
from members.models import Member, MemberStatus, Role
from notices.models import Notice
from shifts.models import Absence, PriorShifts
from tests.conftest import signed_in_session
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

ACTORS = ("volunteer", "coordinator", "admin", "operator")
TARGETS = ("volunteer", "coordinator", "admin", "pending", "shared_login", "operator", "protected")
SCOPES = ("same", "other")
ACTIONS = (
    *("invite", "edit", "role", "pause", "leave", "erase", "import_create", "import_update", "resend", "mark_away"),
    "prior_shifts",
    "path_move",
)
ROLE_OF = {"coordinator": Role.COORDINATOR, "admin": Role.ADMIN}
ROLE_WORD = {Role.VOLUNTEER: "ideell", Role.COORDINATOR: "samordnare", Role.ADMIN: "administratör"}
# Targets whose login has nothing but this one membership: erasing it may erase the login, leaving may end
# its sessions. The others keep their login untouched.
SOLE_LOGIN = {"volunteer", "coordinator", "admin", "pending", "protected"}


# --- The rank table ------------------------------------------------------------------------------------


def grantable(actor: str, role: str) -> bool:
    return actor == "admin" or (actor == "coordinator" and role == Role.VOLUNTEER)


def manages(actor: str, target: str) -> bool:
    """Coordinators manage volunteers; admins every member of their own shelter."""
    return actor == "admin" or (actor == "coordinator" and ROLE_OF.get(target, Role.VOLUNTEER) == Role.VOLUNTEER)


def expected(actor: str, target: str, action: str, scope: str) -> str:
    """ "changed": the target changes as the action says; "created": a new member joins A, the target and every
    other shelter untouched; "unchanged": nothing changes anywhere."""
    if actor not in ("coordinator", "admin"):
        return "unchanged"
    role = ROLE_OF.get(target, Role.VOLUNTEER)
    if action in ("invite", "import_create"):
        if not grantable(actor, role):
            return "unchanged"
        if action == "invite" and scope == "same" and target != "protected":
            return "unchanged"  # she is already in the register (a visible address): refused, said in words
        return "created"
    if action == "import_update":
        if scope == "other" or (target == "protected" and actor != "admin"):
            # The address is unknown to her (another shelter's, or hidden): the row reads "new" and adds someone.
            return "created" if grantable(actor, role) else "unchanged"
        return "changed" if manages(actor, target) else "unchanged"
    if scope == "other":
        return "unchanged"
    if action == "role":
        return "changed" if actor == "admin" else "unchanged"
    if action == "resend":
        return "changed" if manages(actor, target) and target == "pending" else "unchanged"
    return "changed" if manages(actor, target) else "unchanged"


# --- The world -------------------------------------------------------------------------------------------


def _target(organisation, kind: str, third) -> Member:
    if kind == "pending":
        return MemberFactory(organisation=organisation, user=UserFactory(password=None))
    if kind == "shared_login":
        member = MemberFactory(organisation=organisation)
        MemberFactory(organisation=third, user=member.user)
        return member
    if kind == "operator":
        return MemberFactory(organisation=organisation, user=UserFactory(is_staff=True, is_superuser=True))
    if kind == "protected":
        return MemberFactory(
            organisation=organisation, protected_identity=True, phone="+46701234567", postal_address="Hemlig väg 1"
        )
    return MemberFactory(organisation=organisation, role=ROLE_OF.get(kind, Role.VOLUNTEER))


@dataclass
class World:
    a: Organisation
    b: Organisation
    c: Organisation
    actors: dict
    targets: dict  # (target kind, scope) → Member
    sessions: dict  # actor → the session key of her login


def build_world() -> World:
    """Shelters A, B and C, the actors (in A), B's admin, and every kind of target in A ("same") and in B
    ("other"). Built once per module; each cell runs in its own savepoint, rolled back after it."""
    a = OrganisationFactory(slug="jour-a")
    b = OrganisationFactory(slug="jour-b")
    c = OrganisationFactory(slug="jour-c")
    actors = {
        "volunteer": MemberFactory(organisation=a, role=Role.VOLUNTEER),
        "coordinator": MemberFactory(organisation=a, role=Role.COORDINATOR),
        "admin": MemberFactory(organisation=a, role=Role.ADMIN),
        "operator": UserFactory(is_staff=True, is_superuser=True),
    }
    MemberFactory(organisation=b, role=Role.ADMIN)
    targets = {
        (target, scope): _target(a if scope == "same" else b, target, c).pk for target in TARGETS for scope in SCOPES
    }
    sessions = {name: signed_in_session(who) for name, who in actors.items()}
    return World(a=a, b=b, c=c, actors=actors, targets=targets, sessions=sessions)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build(world: World, actor: str, target: str, scope: str, action: str):
    # Fetched afresh: the cell may change her, and its savepoint's rollback does not reach Python objects.
    member = Member.objects.get(pk=world.targets[target, scope])
    if action == "erase":
        Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT)
        member.refresh_from_db()
    if action == "path_move":  # issue 19: she is on the path (prospective) of a shelter that has its steps
        Member.objects.filter(pk=member.pk).update(status=MemberStatus.PROSPECTIVE)
        member.refresh_from_db()
        for organisation in (world.a, world.b):
            path_standard_create(organisation=organisation, by=None)
    return world.a, world.b, world.c, world.actors[actor], member


# --- Snapshots -------------------------------------------------------------------------------------------


def dump() -> dict:
    """Every row of every table Jourplan and its libraries keep (sessions aside: a request renews its own), read
    with plain SQL (every column as stored; the ORM's per-query cost times every model was most of a cell)."""
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table == "django_session":
                continue
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(model._meta.pk.column)}")  # noqa: S608
            rows[model._meta.label] = cursor.fetchall()
    return rows


def logins() -> dict:
    return {
        "users": list(User.objects.order_by("pk").values()),
        "addresses": list(EmailAddress.objects.order_by("pk").values()),
        "authenticators": list(Authenticator.objects.order_by("pk").values()),
    }


def shelters_rows(*organisations) -> dict:
    return {
        "members": list(Member.objects.filter(organisation__in=organisations).order_by("pk").values()),
        "notices": list(Notice.objects.filter(organisation__in=organisations).order_by("pk").values()),
    }


# --- The actions -----------------------------------------------------------------------------------------


def _form(member: Member, **changes) -> dict:
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "phone": str(member.phone) if member.phone else "",
        "postal_address": member.postal_address,
        "language": member.language,
        "membership_type": member.membership_type,
        "status": member.status,
        "role": member.role,
        "notes": member.notes,
    }
    if member.protected_identity:
        data["protected_identity"] = "on"
    data.update(changes)
    return data


def _import(client, organisation, rows: list[list[str]]):
    header = "Förnamn;Efternamn;E-post;Roll;Skyddade personuppgifter\n"
    content = (header + "".join(";".join(row) + "\n" for row in rows)).encode()
    url = reverse("members:import_members", kwargs={"organisation": organisation.slug})
    response = client.post(url, {"file": SimpleUploadedFile("medlemmar.csv", content, content_type="text/csv")})
    page = response.content.decode() if response.status_code == 200 else ""
    token = re.search(r'name="token" value="([^"]+)"', page)
    if token is None:
        return response
    return client.post(
        reverse("members:import_members_confirm", kwargs={"organisation": organisation.slug}), {"token": token[1]}
    )


def act(client, action: str, organisation, member: Member):
    def url(name):
        return reverse(f"members:{name}", kwargs={"organisation": organisation.slug, "pk": member.pk})

    new_role = Role.VOLUNTEER if member.role != Role.VOLUNTEER else Role.COORDINATOR
    if action == "invite":
        data = {"first_name": "Ny", "last_name": "Person", "email": member.email, "role": member.role}
        return client.post(reverse("members:invite", kwargs={"organisation": organisation.slug}), data)
    if action == "edit":
        return client.post(url("member_edit"), _form(member, first_name="Ändrad", phone="+46709999999"))
    if action == "role":
        return client.post(url("member_edit"), _form(member, role=new_role))
    if action == "pause":
        return client.post(url("member_edit"), _form(member, status=MemberStatus.PAUSED))
    if action == "leave":
        return client.post(url("member_leave"))
    if action == "erase":
        return client.post(url("member_erase"))
    if action == "resend":
        return client.post(url("member_invite_existing"))
    if action == "mark_away":  # issue 17: a coordinator marks a member away (shifts.availability.absence_add)
        day = str(timezone.localdate() + timedelta(days=10))
        away = reverse("shifts:member_absence_add", kwargs={"organisation": organisation.slug, "pk": member.pk})
        return client.post(away, {"starts_on": day, "ends_on": day})
    if action == "prior_shifts":  # issue 19: a coordinator records her prior shifts (shifts.experience)
        page = reverse("shifts:member_experience", kwargs={"organisation": organisation.slug, "pk": member.pk})
        return client.post(page, {"line": "", "count": "40", "as_of": str(timezone.localdate())})
    if action == "path_move":  # issue 19: a coordinator moves her card on the board (memberpath.services)
        step = PathStep.objects.filter(organisation=organisation).order_by("position")[1]
        board = reverse("memberpath:move_on", kwargs={"organisation": organisation.slug, "pk": member.pk})
        return client.post(board, {"step": step.pk})
    word = ROLE_WORD[member.role]
    if action == "import_create":
        return _import(client, organisation, [["Ny", "Importerad", "ny.importerad@example.org", word, ""]])
    # import_update: her address, a new name, and (the attack of finding 3) "not protected".
    return _import(client, organisation, [["Importerad", member.last_name, member.email, word, "nej"]])


def changed_as_said(action: str, before: Member, after: Member, actor_kind: str) -> bool:
    if action == "edit":
        return after.first_name == "Ändrad"
    if action == "role":
        return after.role != before.role
    if action == "pause":
        return after.status == MemberStatus.PAUSED
    if action == "leave":
        return after.status == MemberStatus.LEFT
    if action == "erase":
        return after.erased_at is not None and after.user_id is None
    if action == "import_update":
        return after.first_name == "Importerad" and after.protected_identity is False
    if action == "resend":
        return Notice.objects.filter(recipient=after, kind="invitation").exists()
    if action == "mark_away":
        return Absence.objects.filter(member=after).exists()
    if action == "prior_shifts":
        return PriorShifts.objects.filter(member=after, count=40).exists()
    if action == "path_move":
        return PathProgress.objects.filter(member=after).exists()
    raise AssertionError(action)


# --- The matrix ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def _uploads(tmp_path_factory):
    # One folder for the module's import previews (a file per upload, named by shelter, member and token).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports, "UPLOAD_DIR", tmp_path_factory.mktemp("imports"))
        yield


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.django_db
def test_authority_matrix(world, client, actor, target, scope, action):
    a, b, c, _who, member = build(world, actor, target, scope, action)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]  # her login, made once for the module
    outcome = expected(actor, target, action, scope)
    before_all, before_logins = dump(), logins()
    before_others = shelters_rows(b, c)
    before_a_members = set(Member.objects.filter(organisation=a).values_list("pk", flat=True))
    target_before = Member.objects.get(pk=member.pk)

    response = act(client, action, a, member)
    assert response.status_code < 500, response.status_code

    cell = f"{actor} → {target} ({scope} shelter): {action}"
    if outcome == "unchanged":
        assert dump() == before_all, f"{cell} was refused but changed something"
        return
    target_after = Member.objects.get(pk=member.pk)
    others_after = shelters_rows(b, c)
    if outcome == "created":
        created = Member.objects.filter(organisation=a).exclude(pk__in=before_a_members)
        assert created.count() == 1, f"{cell}: expected one new member in her shelter"
        assert created.get().user_id is None, f"{cell}: a new member is never linked to an existing login"
        assert _row(target_before) == _row(target_after), f"{cell}: the target changed"
        assert others_after == before_others, f"{cell}: another shelter's rows changed"
        assert logins() == before_logins, f"{cell}: a login changed"
        return
    assert changed_as_said(action, target_before, target_after, actor), f"{cell} was allowed but did not happen"
    # Only her own shelter's rows change (the target's login may keep a membership in shelter C).
    assert others_after == before_others, f"{cell}: another shelter's rows changed"
    after_logins = logins()
    if target in SOLE_LOGIN and action in ("erase", "leave", "role"):
        _assert_only_her_login_changed(before_logins, after_logins, target_before.user_id, cell)
    else:
        assert after_logins == before_logins, f"{cell}: a login changed"


def _row(member: Member) -> dict:
    return Member.objects.filter(pk=member.pk).values().get()


def _assert_only_her_login_changed(before: dict, after: dict, user_id, cell: str) -> None:
    def without(rows, key="id"):
        return [row for row in rows if row.get(key) != user_id]

    assert without(after["users"]) == without(before["users"]), f"{cell}: another login changed"
    assert without(after["addresses"], "user_id") == without(before["addresses"], "user_id"), cell
    assert without(after["authenticators"], "user_id") == without(before["authenticators"], "user_id"), cell
