"""Who may import what (issue 13, finding 3): the rank rules of members.rank hold on the import page, in the
services and in the management commands, and a coordinator's import is no oracle for a hidden e-mail address.

- Coordinators create and update volunteers; admins every member of their shelter. Only an admin gives a role
  above volunteer, changes protected identity (either way) or a protected member's contact data.
- A coordinator's rows match only members whose e-mail she may see: a row with a protected member's hidden
  address reads and behaves exactly like a row with an address nobody has ("New"; confirming adds someone new).
- A refused row is an error on its line, and a file with any error changes nothing.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext as _

from members import imports
from members.imports import MEMBERS, PAYMENTS, ImportRefused, import_confirm, import_preview
from members.models import Member, MemberStatus, Payment, Role
from tests.conftest import log_in
from tests.factories import MemberFactory
from tests.members.test_import_members import csv_bytes

HIDDEN = "dold@example.se"
UNKNOWN = "okand@example.se"
HEADER = ["Förnamn", "Efternamn", "E-post", "Telefon", "Postadress", "Roll", "Skyddade personuppgifter"]


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "imports")


@pytest.fixture
def protected(organisation):
    """A volunteer under protected identity: her address, phone and postal address are for admins only."""
    return MemberFactory(
        organisation=organisation,
        user=None,
        first_name="Dolores",
        last_name="Dold",
        email=HIDDEN,
        phone="+46701111111",
        postal_address="Hemlig väg 1, 123 45 Hemligby",
        protected_identity=True,
    )


@pytest.fixture
def vera(organisation):
    return MemberFactory(
        organisation=organisation, user=None, first_name="Vera", last_name="Volontär", email="vera@example.se"
    )


@pytest.fixture
def fellow_coordinator(organisation):
    return MemberFactory(
        organisation=organisation,
        user=None,
        first_name="Signe",
        last_name="",
        email="signe@example.se",
        role=Role.COORDINATOR,
    )


def register() -> list[dict]:
    """Every member row, every column: what "nothing changed" is compared on."""
    return list(Member.objects.order_by("pk").values())


def file_of(*rows) -> bytes:
    return csv_bytes([HEADER, *rows])


def row(email, *, first, last="", phone="", address="", role="", protected_identity=""):
    return [first, last, email, phone, address, role, protected_identity]


def preview_lines(preview, email) -> list[str]:
    """The preview as the commands print it, with the row's own address written as ADDRESS."""
    return [line.replace(email, "ADDRESS") for line in preview.lines()]


def assert_refused_and_nothing_changed(organisation, content, by, *, line, column, message):
    before = register()
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=by)
    assert [(error.line, error.column, error.message) for error in preview.errors] == [(line, column, message)]
    assert not preview.rows
    with pytest.raises(ImportRefused):
        import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=by)
    assert register() == before


# --- No oracle: a hidden address is, for a coordinator, an address nobody has ----------------------------

HER_NAME = {"first": "Dolores", "last": "Dold"}
ROW_SHAPES = {
    "same data as hers": dict(**HER_NAME, phone="070-111 11 11", address="Hemlig väg 1, 123 45 Hemligby"),
    "new phone and address": dict(**HER_NAME, phone="070-999 99 99", address="Ny gata 2"),
    "protected identity no": dict(**HER_NAME, protected_identity="nej"),
    "protected identity yes": dict(**HER_NAME, protected_identity="ja"),
    "role coordinator": dict(**HER_NAME, role="samordnare"),
}


@pytest.mark.parametrize("shape", ROW_SHAPES, ids=list(ROW_SHAPES))
def test_a_hidden_address_previews_exactly_like_an_unknown_one(organisation, coordinator, protected, shape):
    hidden = import_preview(
        kind=MEMBERS, organisation=organisation, content=file_of(row(HIDDEN, **ROW_SHAPES[shape])), by=coordinator
    )
    unknown = import_preview(
        kind=MEMBERS, organisation=organisation, content=file_of(row(UNKNOWN, **ROW_SHAPES[shape])), by=coordinator
    )
    assert preview_lines(hidden, HIDDEN) == preview_lines(unknown, UNKNOWN)
    if shape != "role coordinator":
        assert [r.outcome for r in hidden.rows] == ["new"]


def _rendered_preview(client, organisation, content) -> str:
    response = client.post(
        reverse("members:import_members", kwargs={"organisation": organisation.slug}),
        {"file": SimpleUploadedFile("medlemmar.csv", content)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index('<h1 class="page-title">') : page.index("</main>")]
    return re.sub(r'(name="(?:token|csrfmiddlewaretoken)" value=)"[^"]*"', r'\1"…"', main)


@pytest.mark.parametrize("shape", ["new phone and address", "protected identity no"])
def test_the_preview_page_for_a_hidden_address_is_the_page_for_an_unknown_one(
    client, organisation, coordinator, protected, shape
):
    log_in(client, coordinator)
    hidden = _rendered_preview(client, organisation, file_of(row(HIDDEN, **ROW_SHAPES[shape])))
    unknown = _rendered_preview(client, organisation, file_of(row(UNKNOWN, **ROW_SHAPES[shape])))
    assert hidden.replace(HIDDEN, "ADDRESS") == unknown.replace(UNKNOWN, "ADDRESS")
    assert '<span class="badge badge-full">Ny</span>' in hidden
    assert "Oförändrad" not in hidden and "Uppdaterad" not in hidden


@pytest.mark.parametrize("shape", ["new phone and address", "protected identity no", "same data as hers"])
def test_a_coordinator_cannot_overwrite_or_unprotect_a_protected_member(organisation, coordinator, protected, shape):
    """Her row is a new member with the same address; the protected member keeps every value."""
    before = Member.objects.filter(pk=protected.pk).values().get()
    content = file_of(row(HIDDEN, **ROW_SHAPES[shape]))
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert [r.outcome for r in done.rows] == ["new"]
    assert Member.objects.filter(pk=protected.pk).values().get() == before
    added = Member.objects.filter(organisation=organisation, email=HIDDEN).exclude(pk=protected.pk).get()
    assert added.protected_identity is False and added.role == Role.VOLUNTEER


def test_a_coordinators_confirmed_hidden_address_behaves_like_an_unknown_one(organisation, coordinator, protected):
    """Confirming tells her the same too: one new member in both cases, and the same summary."""
    shape = ROW_SHAPES["new phone and address"]
    hidden = import_confirm(
        kind=MEMBERS, organisation=organisation, content=file_of(row(HIDDEN, **shape)), by=coordinator
    )
    unknown = import_confirm(
        kind=MEMBERS, organisation=organisation, content=file_of(row(UNKNOWN, **shape)), by=coordinator
    )
    assert hidden.summary() == unknown.summary()
    assert preview_lines(hidden, HIDDEN) == preview_lines(unknown, UNKNOWN)


def test_a_payment_for_a_hidden_address_reads_like_one_for_an_unknown_address(organisation, coordinator, protected):
    def payment(email):
        return csv_bytes([["E-post", "År", "Belopp", "Betald"], [email, "2025", "200", "2025-02-01"]])

    hidden = import_preview(kind=PAYMENTS, organisation=organisation, content=payment(HIDDEN), by=coordinator)
    unknown = import_preview(kind=PAYMENTS, organisation=organisation, content=payment(UNKNOWN), by=coordinator)
    assert hidden.has_errors and preview_lines(hidden, HIDDEN) == preview_lines(unknown, UNKNOWN)
    with pytest.raises(ImportRefused):
        import_confirm(kind=PAYMENTS, organisation=organisation, content=payment(HIDDEN), by=coordinator)
    assert not Payment.objects.exists()


def test_an_admin_matches_a_protected_member_as_usual(organisation, admin_member, protected):
    same = file_of(row(HIDDEN, **ROW_SHAPES["same data as hers"]))
    assert [
        r.outcome for r in import_preview(kind=MEMBERS, organisation=organisation, content=same, by=admin_member).rows
    ] == ["unchanged"]
    content = file_of(row(HIDDEN, **HER_NAME, phone="070-999 99 99", address="Ny gata 2", protected_identity="nej"))
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    assert [r.outcome for r in done.rows] == ["updated"]
    protected.refresh_from_db()
    assert (str(protected.phone), protected.postal_address, protected.protected_identity) == (
        "+46709999999",
        "Ny gata 2",
        False,
    )
    assert Member.objects.filter(organisation=organisation, email=HIDDEN).count() == 1


def test_an_address_two_members_share_is_refused_for_an_admin_and_changes_nothing(
    organisation, coordinator, admin_member, protected
):
    """A protected member may share her address with a member who is not protected (see the constraint): an
    admin sees both, so her row cannot be matched to one; a coordinator sees only the one she may see."""
    visible = MemberFactory(organisation=organisation, user=None, first_name="Synlig", email=HIDDEN.upper())
    content = file_of(row(HIDDEN, first="Synlig", last="Ny"))
    message = _(
        "More than one member of this shelter has this e-mail address, so the row cannot be matched. "
        "Give one of them another address first."
    )
    assert_refused_and_nothing_changed(organisation, content, admin_member, line=2, column="E-post", message=message)
    payment = csv_bytes([["E-post", "År", "Belopp", "Betald"], [HIDDEN, "2025", "200", "2025-02-01"]])
    assert [
        e.message
        for e in import_preview(kind=PAYMENTS, organisation=organisation, content=payment, by=admin_member).errors
    ] == [message]

    before = Member.objects.filter(pk=protected.pk).values().get()
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert [r.outcome for r in done.rows] == ["updated"]
    visible.refresh_from_db()
    assert visible.last_name == "Ny"
    assert Member.objects.filter(pk=protected.pk).values().get() == before


# --- Protected identity changes only by an admin ----------------------------------------------------------


def test_a_coordinator_cannot_protect_an_existing_member(organisation, coordinator, vera):
    assert_refused_and_nothing_changed(
        organisation,
        file_of(row("vera@example.se", first="Vera", last="Volontär", protected_identity="ja")),
        coordinator,
        line=2,
        column="Skyddade personuppgifter",
        message=_("Only an admin can change protected identity."),
    )


def test_a_coordinator_may_protect_someone_new_and_write_no_for_a_member_already_unprotected(
    organisation, coordinator, vera
):
    content = file_of(
        row("ny@example.se", first="Nora", last="Ny", protected_identity="ja"),
        row("vera@example.se", first="Vera", last="Volontär", protected_identity="nej"),
    )
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert [r.outcome for r in done.rows] == ["new", "unchanged"]
    assert Member.objects.get(email="ny@example.se").protected_identity is True


@pytest.mark.parametrize(("start", "cell"), [(False, "ja"), (True, "nej")])
def test_an_admin_changes_protected_identity_either_way(organisation, admin_member, vera, start, cell):
    Member.objects.filter(pk=vera.pk).update(protected_identity=start)
    content = file_of(row("vera@example.se", first="Vera", last="Volontär", protected_identity=cell))
    import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    vera.refresh_from_db()
    assert vera.protected_identity is not start


# --- Roles: coordinators manage volunteers, admins everyone ---------------------------------------------

ROLE_REFUSED = "Only an admin can give the coordinator or admin role."
STAFF_REFUSED = "Only an admin can change a coordinator or an admin."

COORDINATOR_REFUSALS = {
    "new coordinator": (row("ny@example.se", first="Nora", role="samordnare"), "Roll", ROLE_REFUSED),
    "new admin": (row("ny@example.se", first="Nora", role="admin"), "Roll", ROLE_REFUSED),
    "volunteer made coordinator": (
        row("vera@example.se", first="Vera", last="Volontär", role="samordnare"),
        "Roll",
        ROLE_REFUSED,
    ),
    "volunteer made admin": (row("vera@example.se", first="Vera", last="Volontär", role="admin"), "Roll", ROLE_REFUSED),
    "coordinator's phone": (row("signe@example.se", first="Signe", phone="070-222 22 22"), "E-post", STAFF_REFUSED),
    "coordinator made volunteer": (row("signe@example.se", first="Signe", role="ideell"), "E-post", STAFF_REFUSED),
    "admin made volunteer": (row("agnes@example.se", first="Agnes", role="ideell"), "E-post", STAFF_REFUSED),
    "admin's name": (row("agnes@example.se", first="Agneta"), "E-post", STAFF_REFUSED),
}


@pytest.fixture
def staff(organisation, fellow_coordinator, vera):
    """A fellow coordinator (Signe), an admin (Agnes) and a volunteer (Vera), besides the acting members."""
    return MemberFactory(
        organisation=organisation,
        user=None,
        first_name="Agnes",
        last_name="",
        email="agnes@example.se",
        role=Role.ADMIN,
    )


@pytest.mark.parametrize("case", COORDINATOR_REFUSALS, ids=list(COORDINATOR_REFUSALS))
def test_a_coordinator_cannot_create_or_change_coordinators_or_admins(organisation, coordinator, staff, case):
    cells, column, message = COORDINATOR_REFUSALS[case]
    assert_refused_and_nothing_changed(
        organisation, file_of(cells), coordinator, line=2, column=column, message=_(message)
    )


@pytest.mark.parametrize("case", COORDINATOR_REFUSALS, ids=list(COORDINATOR_REFUSALS))
def test_an_admin_may_do_what_a_coordinator_may_not(organisation, admin_member, staff, case):
    cells, _column, _message = COORDINATOR_REFUSALS[case]
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=file_of(cells), by=admin_member)
    assert [r.outcome for r in done.rows] in (["new"], ["updated"])
    member = Member.objects.get(organisation=organisation, email=cells[2])
    assert member.first_name == cells[0]
    if cells[5]:
        assert member.role == imports.ROLE_WORDS.get(cells[5], cells[5])


def test_one_refused_row_stops_the_whole_file(organisation, coordinator, staff):
    content = file_of(
        row("ny@example.se", first="Nora"),
        row("vera@example.se", first="Vera", last="Volontär", phone="070-333 33 33"),
        row("signe@example.se", first="Signe", phone="070-222 22 22"),
    )
    before = register()
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert preview.error_lines == [4]
    with pytest.raises(ImportRefused):
        import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert register() == before


def test_a_coordinator_may_list_staff_unchanged_and_update_volunteers(organisation, coordinator, staff, vera):
    """A re-imported member list names coordinators and admins too: a row that changes nothing about them is
    no change of them, so it passes as unchanged while the volunteers' rows are written."""
    content = file_of(
        row("signe@example.se", first="Signe", last="", role="samordnare"),
        row("agnes@example.se", first="Agnes", last=""),
        row("vera@example.se", first="Vera", last="Volontär", phone="070-333 33 33"),
    )
    done = import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert [r.outcome for r in done.rows] == ["unchanged", "unchanged", "updated"]
    vera.refresh_from_db()
    assert str(vera.phone) == "+46703333333"


def test_the_page_refuses_a_coordinators_row_for_an_admin(client, organisation, coordinator, staff):
    log_in(client, coordinator)
    before = register()
    response = client.post(
        reverse("members:import_members", kwargs={"organisation": organisation.slug}),
        {"file": SimpleUploadedFile("medlemmar.csv", file_of(COORDINATOR_REFUSALS["admin made volunteer"][0]))},
    )
    page = response.content.decode()
    assert response.context["token"] is None and "Bekräfta import" not in page
    assert "<td>2</td>" in page and _(STAFF_REFUSED) in page
    assert register() == before


@pytest.mark.parametrize("who", ["volunteer", "other_shelter_coordinator", "left_coordinator"])
def test_only_a_current_coordinator_or_admin_of_the_shelter_can_import(request, organisation, vera, who):
    if who == "left_coordinator":
        by = MemberFactory(organisation=organisation, role=Role.COORDINATOR, status=MemberStatus.LEFT)
    else:
        by = request.getfixturevalue(who)
    content = file_of(row("vera@example.se", first="Vera", last="Ändrad"))
    before = register()
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=by)
    assert preview.file_errors == [_("Only the shelter's coordinators and admins can import.")]
    with pytest.raises(ImportRefused):
        import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=by)
    assert register() == before


# --- The management commands act as --by, with her rank ----------------------------------------------------


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_requires_by(organisation, tmp_path):
    path = tmp_path / "medlemmar.csv"
    path.write_bytes(file_of(row("ny@example.se", first="Nora")))
    before = register()
    with pytest.raises(CommandError, match="--by"):
        run("import_members", str(path), "--organisation", organisation.slug)
    assert register() == before


@pytest.mark.parametrize("who", ["volunteer", "other_shelter_coordinator", "nobody", "protected"])
def test_the_command_refuses_by_someone_not_a_current_coordinator_or_admin_there(request, organisation, tmp_path, who):
    email = "ingen@example.se" if who == "nobody" else request.getfixturevalue(who).email
    path = tmp_path / "medlemmar.csv"
    path.write_bytes(file_of(row("ny@example.se", first="Nora")))
    before = register()
    for command in ("import_members", "import_payments"):
        with pytest.raises(CommandError, match="not a current coordinator or admin"):
            run(command, str(path), "--organisation", organisation.slug, "--by", email)
    assert register() == before


def test_the_command_applies_the_coordinators_rank(organisation, coordinator, staff, protected, tmp_path):
    refused = tmp_path / "samordnare.csv"
    refused.write_bytes(file_of(COORDINATOR_REFUSALS["new coordinator"][0]))
    before = register()
    with pytest.raises(CommandError) as raised:
        run("import_members", str(refused), "--organisation", organisation.slug, "--by", coordinator.email.upper())
    assert raised.value.returncode == 1
    assert register() == before

    hidden = tmp_path / "dold.csv"
    hidden.write_bytes(file_of(row(HIDDEN, **HER_NAME, protected_identity="nej", phone="070-999 99 99")))
    protected_before = Member.objects.filter(pk=protected.pk).values().get()
    output = run("import_members", str(hidden), "--organisation", organisation.slug, "--by", coordinator.email)
    assert "Rad 2: Ny" in output
    assert Member.objects.filter(pk=protected.pk).values().get() == protected_before


def test_the_command_by_an_admin_may_change_staff_and_protected_members(
    organisation, admin_member, staff, protected, tmp_path
):
    path = tmp_path / "medlemmar.csv"
    path.write_bytes(
        file_of(
            row("signe@example.se", first="Signe", role="ideell"),
            row(HIDDEN, **HER_NAME, phone="070-999 99 99", protected_identity="nej"),
        )
    )
    output = run("import_members", str(path), "--organisation", organisation.slug, "--by", admin_member.email)
    assert "Rad 2: Uppdaterad" in output and "Rad 3: Uppdaterad" in output
    assert Member.objects.get(email="signe@example.se").role == Role.VOLUNTEER
    protected.refresh_from_db()
    assert protected.protected_identity is False and str(protected.phone) == "+46709999999"
