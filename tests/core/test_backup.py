"""Backups and restores: the drill (seed, back up, erase, restore: she stays erased, the app serves pages), on the
database the suite runs on (CI runs it on SQLite, then on PostgreSQL), and what a restore refuses."""

import io
import json
import os
import sqlite3
from datetime import timedelta

import psycopg
import pyrage
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.backup import HEADER, Manifest, _without_wal_flag, backup_create, backups_in, backups_prune
from members import erasure_journal, gdpr
from members.models import Member, MemberStatus, Role
from members.services import interview_record, member_mark_left
from tests.concurrency import require_postgres
from tests.conftest import log_in
from tests.factories import AssignmentFactory, MemberFactory, OrganisationFactory, ShiftFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)

LEAVER = "Gunborg"


@pytest.fixture
def identity_file(settings, tmp_path):
    """A throwaway age key pair: backups encrypt to its public key; the key file opens them."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.ERASURE_JOURNAL = tmp_path / "erasure-journal.jsonl"
    path = tmp_path / "backup.key"
    path.write_text(f"# created by the test\n# public key: {identity.to_public()}\n{identity}\n")
    return path


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed():
    """A small shelter: a coordinator, volunteers with shifts and training, one who has left."""
    organisation = OrganisationFactory(name="Kvinnojouren Övning", slug="ovningsjouren")
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")
    volunteers = MemberFactory.create_batch(3, organisation=organisation)
    leaver = MemberFactory(organisation=organisation, first_name=LEAVER, last_name="Qvarnström")
    shift = ShiftFactory(line__organisation=organisation)
    for member in (volunteers[0], leaver):
        AssignmentFactory(shift=shift, member=member)
        TrainingRecordFactory(member=member)
    interview_record(member=leaver, held_on=timezone.localdate(), by=coordinator)
    member_mark_left(member=leaver, by=coordinator)
    return organisation, coordinator, volunteers, Member.objects.get(pk=leaver.pk)


def restore(path, identity_file, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(path), identity=identity_file, interactive=False, stdout=out, **options)
    return out.getvalue()


def test_drill_backup_erase_restore_she_stays_erased_and_pages_serve(identity_file, client):
    organisation, coordinator, volunteers, leaver = seed()
    # A second member who is still active when the backup is taken, and leaves and is erased after it.
    stayer = volunteers[1]
    out = io.StringIO()
    call_command("backup", stdout=out)
    [path] = backups_in()
    assert "Backup written" in out.getvalue()
    at_backup = counts()
    assert LEAVER.encode() not in path.read_bytes()  # encrypted at rest

    gdpr.member_erase(member=leaver, by=coordinator)
    member_mark_left(member=stayer, by=coordinator)
    gdpr.member_erase(member=stayer, by=coordinator)
    after_erasure = counts()
    late = MemberFactory(organisation=organisation, first_name="Sent")  # after the backup: gone after the restore

    printed = restore(path, identity_file)

    assert f"member {leaver.pk} " in printed and f"member {stayer.pk} " in printed
    assert printed.count("erased again") == 2
    assert counts() == after_erasure
    assert counts()["members.Member"] == at_backup["members.Member"]
    assert not Member.objects.filter(pk=late.pk).exists()
    for pk in (leaver.pk, stayer.pk):
        erased = Member.objects.get(pk=pk)
        assert erased.erased_at is not None
        assert erased.first_name == gdpr.ERASED_FIRST_NAME and erased.email == ""
        assert erased.status == MemberStatus.LEFT
    assert Member.objects.get(pk=volunteers[0].pk).erased_at is None

    log_in(client, Member.objects.get(pk=coordinator.pk))
    page = client.get(reverse("members:member_list", kwargs={"organisation": organisation.slug}))
    assert page.status_code == 200
    assert LEAVER not in page.content.decode()
    assert client.get(reverse("members:portal", kwargs={"organisation": organisation.slug})).status_code == 200


def test_an_erasure_whose_commit_was_not_confirmed_is_applied_again(identity_file):
    """The window between commit and the journal's second line: only the pending line is there."""
    organisation, coordinator, volunteers, leaver = seed()
    path = backup_create()

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        gdpr.member_erase(member=leaver, by=coordinator)
        raise Crash  # as if the process died: the pending line is written, the committed line never comes
    lines = [json.loads(line) for line in erasure_journal.journal_path().read_text().splitlines()]
    assert [line["state"] for line in lines] == ["pending"]
    assert Member.objects.get(pk=leaver.pk).erased_at is None

    printed = restore(path, identity_file)

    assert "commit not confirmed" in printed
    assert Member.objects.get(pk=leaver.pk).erased_at is not None


def test_the_journal_holds_ids_and_moments_only(identity_file):
    organisation, coordinator, volunteers, leaver = seed()
    gdpr.member_erase(member=leaver, by=coordinator)
    gdpr.member_erase(member=leaver, by=coordinator)  # erasing twice journals nothing more
    text = erasure_journal.journal_path().read_text()
    assert LEAVER not in text and "Qvarnstr" not in text and "@" not in text
    [erasure] = erasure_journal.journal_erasures()
    assert (erasure.member_id, erasure.organisation_id) == (leaver.pk, organisation.pk)
    assert erasure.committed_at is not None


def test_erasures_before_the_backup_are_not_applied_again(identity_file):
    organisation, coordinator, volunteers, leaver = seed()
    gdpr.member_erase(member=leaver, by=coordinator)
    path = backup_create(now=timezone.now() + erasure_journal.MARGIN + timedelta(minutes=1))
    assert "0 journal entries" in restore(path, identity_file)


def test_backup_refuses_without_a_recipient(settings, tmp_path):
    settings.BACKUP_RECIPIENTS = []
    settings.BACKUP_DIR = tmp_path
    with pytest.raises(CommandError, match="BACKUP_RECIPIENTS"):
        call_command("backup", stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_key_opens_nothing_and_changes_nothing(identity_file, tmp_path):
    seed()
    path = backup_create()
    other = tmp_path / "other.key"
    other.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    before = counts()
    with pytest.raises(CommandError, match="Cannot decrypt"):
        restore(path, other)
    assert counts() == before


def test_a_backup_from_a_newer_version_is_refused(identity_file, settings):
    seed()
    path = backup_create()
    identity = pyrage.x25519.Identity.from_str(identity_file.read_text().splitlines()[-1])
    plain = pyrage.decrypt(path.read_bytes(), [identity])
    manifest_line, _, payload = plain[len(HEADER) :].partition(b"\n")
    manifest = Manifest.from_json(manifest_line)
    newer = Manifest(manifest.taken_at, manifest.vendor, [*manifest.migrations, ("members", "9999_from_the_future")])
    path.write_bytes(pyrage.encrypt(HEADER + newer.to_json() + b"\n" + payload, [identity.to_public()]))
    with pytest.raises(CommandError, match="newer version"):
        restore(path, identity_file)


def test_retention_keeps_the_newest(identity_file):
    start = timezone.now()
    paths = [backup_create(now=start + timedelta(hours=hour)) for hour in range(4)]
    deleted = backups_prune(keep=2)
    assert sorted(deleted) == sorted(paths[:2])
    assert backups_in() == [paths[3], paths[2]]
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in backups_in())


@pytest.mark.postgres
def test_restore_refuses_while_another_session_is_connected(identity_file):
    require_postgres("counting other sessions is PostgreSQL's pg_stat_activity")
    seed()
    path = backup_create()
    config = connection.settings_dict
    other = psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    try:
        with pytest.raises(CommandError, match="other session"):
            restore(path, identity_file)
    finally:
        other.close()
    assert "Restored" in restore(path, identity_file)


def test_restore_reads_the_identity_from_the_environment(identity_file, monkeypatch):
    seed()
    path = backup_create()
    monkeypatch.setenv("BACKUP_IDENTITY", identity_file.read_text())
    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out)
    assert "Restored" in out.getvalue()
    assert os.environ["BACKUP_IDENTITY"]


def test_the_image_of_a_sqlite_database_in_wal_mode_opens(tmp_path):
    """The embedded default runs SQLite in WAL mode; the suite's in-memory database does not."""
    live = sqlite3.connect(tmp_path / "wal.sqlite3")
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE t (x)")
    live.execute("INSERT INTO t VALUES (1)")
    live.commit()
    copy = sqlite3.connect(":memory:")
    live.backup(copy)
    image = copy.serialize()
    assert image[18:20] == b"\x02\x02"
    restored = sqlite3.connect(":memory:")
    restored.deserialize(_without_wal_flag(image))
    assert restored.execute("SELECT x FROM t").fetchall() == [(1,)]
