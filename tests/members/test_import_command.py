"""The management commands import_members and import_payments: preview, dry run, exit codes."""

import pytest
from django.core.management import CommandError, call_command

from members.models import Member, Payment
from tests.factories import MemberFactory
from tests.members.test_import_members import HEADER, ROWS, csv_bytes


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_preview_and_writes_nothing(organisation, admin_member, tmp_path):
    path = tmp_path / "medlemmar.csv"
    path.write_bytes(csv_bytes([HEADER, *ROWS]))
    output = run(
        "import_members", str(path), "--organisation", organisation.slug, "--by", admin_member.email, "--dry-run"
    )
    assert "Rad 2: Ny" in output and "Rad 3: Ny" in output
    assert not Member.objects.filter(email="asa@example.se").exists()
    run("import_members", str(path), "--organisation", organisation.slug, "--by", admin_member.email)
    assert (
        Member.objects.filter(organisation=organisation, email__in=["asa@example.se", "marta@example.se"]).count() == 2
    )


def test_errors_exit_with_code_1_and_import_nothing(organisation, admin_member, tmp_path):
    path = tmp_path / "medlemmar.csv"
    path.write_bytes(csv_bytes([HEADER, ROWS[0], ["X", "", "fel", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError) as raised:
        run("import_members", str(path), "--organisation", organisation.slug, "--by", admin_member.email)
    assert raised.value.returncode == 1
    assert not Member.objects.filter(email="asa@example.se").exists()


def test_unknown_shelter_and_missing_file_fail(organisation, admin_member, tmp_path):
    with pytest.raises(CommandError):
        run("import_members", str(tmp_path / "x.csv"), "--organisation", organisation.slug, "--by", admin_member.email)
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes([HEADER, ROWS[0]]))
    with pytest.raises(CommandError):
        run("import_members", str(path), "--organisation", "finns-inte", "--by", admin_member.email)


def test_import_payments_command(organisation, coordinator, tmp_path):
    MemberFactory(organisation=organisation, email="anna@example.se", user=None)
    path = tmp_path / "betalningar.csv"
    path.write_bytes(
        csv_bytes([["E-post", "År", "Belopp", "Betald"], ["anna@example.se", "2025", "200", "2025-01-10"]])
    )
    run("import_payments", str(path), "--organisation", organisation.slug, "--by", coordinator.email, "--dry-run")
    assert not Payment.objects.exists()
    run("import_payments", str(path), "--organisation", organisation.slug, "--by", coordinator.email)
    assert Payment.objects.get().organisation == organisation
    bad = tmp_path / "fel.csv"
    bad.write_bytes(
        csv_bytes([["E-post", "År", "Belopp", "Betald"], ["ingen@example.se", "2025", "200", "2025-01-10"]])
    )
    with pytest.raises(CommandError) as raised:
        run("import_payments", str(bad), "--organisation", organisation.slug, "--by", coordinator.email)
    assert raised.value.returncode == 1
