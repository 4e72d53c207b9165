"""Backups of the database, encrypted at rest, and restoring one (`manage.py backup`, `manage.py restore`).

A backup is one file, `jourplan-YYYYMMDDTHHMMSSZ.<postgresql|sqlite3>.age`, in settings.BACKUP_DIR: an age file
(encrypted to every public key in settings.BACKUP_RECIPIENTS) holding a header line, a JSON manifest line (the
moment it was taken, the database kind, the migrations applied) and the database: pg_dump's custom format on
PostgreSQL, an SQLite online-backup image on SQLite. The plain dump is only ever in memory, never on disk.

A restore decrypts with an identity (private key) the operator hands the command, replaces the database (one
transaction on PostgreSQL; SQLite's online backup API on SQLite), migrates forward when the backup is older than
the code, then runs settings.RESTORE_HOOKS: the register re-applies every erasure its journal recorded after the
backup's moment, so a restore never brings back an erased member (members/erasure_journal.py).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.module_loading import import_string

from core.errors import JourplanError

HEADER = b"JOURPLAN-BACKUP 1\n"
FILE_NAME = re.compile(r"^jourplan-(?P<stamp>\d{8}T\d{6}Z)\.(?P<vendor>postgresql|sqlite3)\.age$")
STAMP = "%Y%m%dT%H%M%SZ"
VENDORS = {"postgresql": "postgresql", "sqlite": "sqlite3"}
RestoreHook = Callable[[datetime], list[str]]


class BackupError(JourplanError):
    """A backup could not be written, read or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime
    vendor: str
    migrations: list[tuple[str, str]]

    def to_json(self) -> bytes:
        return json.dumps(
            {"taken_at": self.taken_at.isoformat(), "vendor": self.vendor, "migrations": self.migrations}
        ).encode()

    @classmethod
    def from_json(cls, text: bytes) -> Manifest:
        data = json.loads(text)
        return cls(
            taken_at=datetime.fromisoformat(data["taken_at"]),
            vendor=data["vendor"],
            migrations=[(app, name) for app, name in data["migrations"]],
        )


@dataclass
class RestoreReport:
    manifest: Manifest
    migrations_applied: int = 0
    hook_lines: list[str] = field(default_factory=list)


def _vendor() -> str:
    if connection.vendor not in VENDORS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return VENDORS[connection.vendor]


def _recipients(keys: Sequence[str]) -> list[pyrage.x25519.Recipient]:
    if not keys:
        raise BackupError(
            "No BACKUP_RECIPIENTS: set at least one age public key (age1…) to encrypt backups to. "
            "Make a key pair with `age-keygen -o jourplan-backup.key` and keep the key file off this machine."
        )
    try:
        return [pyrage.x25519.Recipient.from_str(key.strip()) for key in keys]
    except pyrage.RecipientError as error:
        raise BackupError(f"BACKUP_RECIPIENTS holds something that is not an age public key: {error}") from None


def identities_from_text(text: str) -> list[pyrage.x25519.Identity]:
    """The AGE-SECRET-KEY-… lines of an age identity file (as `age-keygen` writes it; # lines are comments)."""
    keys = [line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise BackupError("No age identity (a line starting AGE-SECRET-KEY-) found.")
    try:
        return [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError as error:
        raise BackupError(f"Not a valid age identity: {error}") from None


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django is connected to (in a test run: the test database)."""
    environment = dict(os.environ)
    config = connection.settings_dict
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            environment[variable] = str(config[key])
    environment["PGDATABASE"] = str(config["NAME"])
    options = config.get("OPTIONS", {})
    for option, variable in (("sslmode", "PGSSLMODE"), ("connect_timeout", "PGCONNECT_TIMEOUT")):
        if options.get(option):
            environment[variable] = str(options[option])
    return environment


def _run(command: list[str], stdin: bytes) -> bytes:
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, env=_pg_environment(), check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _applied_migrations() -> list[tuple[str, str]]:
    return sorted(MigrationRecorder(connection).applied_migrations())


def _dump() -> bytes:
    if _vendor() == "postgresql":
        return _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges"], b"")
    connection.ensure_connection()
    image = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(image)
        return _without_wal_flag(image.serialize())
    finally:
        image.close()


def backup_create(
    *, directory: Path | None = None, recipients: Sequence[str] | None = None, now: datetime | None = None
) -> Path:
    """Write an encrypted backup of the database and return its path. The moment recorded is taken before the
    dump starts, so every erasure after it is either in the backup or re-applied by a restore. Refuses without
    a recipient: there is no unencrypted backup."""
    age_recipients = _recipients(list(settings.BACKUP_RECIPIENTS if recipients is None else recipients))
    directory = Path(settings.BACKUP_DIR if directory is None else directory)
    taken_at = now or datetime.now(UTC)
    vendor = _vendor()
    manifest = Manifest(taken_at=taken_at, vendor=vendor, migrations=_applied_migrations())
    sealed = pyrage.encrypt(HEADER + manifest.to_json() + b"\n" + _dump(), age_recipients)

    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"jourplan-{taken_at.astimezone(UTC).strftime(STAMP)}.{vendor}.age"
    partial = directory / f".{path.name}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, sealed)
        os.fsync(fd)
    finally:
        os.close(fd)
    if path.exists():
        partial.unlink()
        raise BackupError(f"{path.name} exists already: one backup a second.")
    os.replace(partial, path)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def backups_in(directory: Path | None = None) -> list[Path]:
    """The backups in the directory, newest first (by the moment in their names)."""
    directory = Path(settings.BACKUP_DIR if directory is None else directory)
    if not directory.is_dir():
        return []
    found = [path for path in directory.iterdir() if FILE_NAME.match(path.name)]
    return sorted(found, key=lambda path: FILE_NAME.match(path.name).group("stamp"), reverse=True)  # type: ignore[union-attr]


def backups_prune(*, directory: Path | None = None, keep: int | None = None) -> list[Path]:
    """Delete all but the `keep` (settings.BACKUP_KEEP) newest backups; return the deleted paths."""
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError("BACKUP_KEEP must be at least 1.")
    old = backups_in(directory)[keep:]
    for path in old:
        path.unlink()
    return old


def backup_read(path: Path, identities: Sequence[pyrage.x25519.Identity]) -> tuple[Manifest, bytes]:
    """Decrypt a backup: its manifest and the database it holds."""
    try:
        plain = pyrage.decrypt(Path(path).read_bytes(), list(identities))
    except pyrage.DecryptError as error:
        raise BackupError(f"Cannot decrypt {Path(path).name} with this identity: {error}") from None
    if not plain.startswith(HEADER):
        raise BackupError(f"{Path(path).name} is not a Jourplan backup.")
    manifest_line, _, payload = plain[len(HEADER) :].partition(b"\n")
    return Manifest.from_json(manifest_line), payload


def other_connections() -> int | None:
    """How many other sessions are connected to this PostgreSQL database (None: SQLite cannot tell)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _drop_everything_sql() -> bytes:
    """DROP statements for every table, view and sequence of the connection's schema: the restore then creates
    exactly the backup's tables (pg_restore --clean would leave a table a newer migration added)."""
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "r": "TABLE", "p": "TABLE", "S": "SEQUENCE"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'r', 'p', 'S') AND NOT c.relispartition"
        )
        rows = cursor.fetchall()
    quote = connection.ops.quote_name
    order = list(kinds)
    statements = [
        f"DROP {kinds[kind]} IF EXISTS {quote(schema)}.{quote(name)} CASCADE;"
        for kind, schema, name in sorted(rows, key=lambda row: order.index(row[0]))
    ]
    return ("\n".join(statements) + "\n").encode()


def _restore_postgresql(dump: bytes) -> None:
    script = _run(["pg_restore", "--no-owner", "--no-privileges", "--file=-"], dump)
    drop = _drop_everything_sql()
    connection.close()  # ours holds nothing the restore must wait for
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file=-"], drop + script)


def _without_wal_flag(image: bytes) -> bytes:
    """The image of a database in WAL mode says so in its header (bytes 18 and 19 are 2), and SQLite then refuses
    to open it from memory; 1 is the rollback journal. The live database keeps its own mode when restored into."""
    if image[18:20] == b"\x02\x02":
        return image[:18] + b"\x01\x01" + image[20:]
    return image


def _restore_sqlite(image: bytes) -> None:
    source = sqlite3.connect(":memory:")
    try:
        source.deserialize(_without_wal_flag(image))
        if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("The SQLite image in the backup fails its integrity check.")
        connection.ensure_connection()
        # The online backup API writes the image into the live database page by page under its lock, WAL included:
        # no file is swapped under a process that has it open.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def backup_restore(
    *, path: Path, identities: Sequence[pyrage.x25519.Identity], ignore_other_connections: bool = False
) -> RestoreReport:
    """Replace the database with the backup's, migrate forward, and run settings.RESTORE_HOOKS (re-applying the
    erasures journaled after the backup's moment). Refuses, before touching anything, a backup of the other
    database kind, one from a newer version of Jourplan (migrations this code does not have), a call inside a
    transaction, and on PostgreSQL a database other sessions are connected to (stop web and worker first)."""
    manifest, payload = backup_read(path, identities)
    vendor = _vendor()
    if manifest.vendor != vendor:
        raise BackupError(f"This is a {manifest.vendor} backup; the configured database is {vendor}.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    if unknown := sorted(set(manifest.migrations) - known):
        raise BackupError(
            "The backup comes from a newer version of Jourplan (migrations this code does not have: "
            + ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            + "). Restore it with that version."
        )
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if (others := other_connections()) and not ignore_other_connections:
        raise BackupError(
            f"{others} other session(s) are connected to the database: stop the web and worker processes first "
            "(or pass --ignore-connections to restore regardless; their open transactions make the restore wait)."
        )

    if vendor == "postgresql":
        _restore_postgresql(payload)
    else:
        _restore_sqlite(payload)
    ContentType.objects.clear_cache()  # its cache may hold ids of the database that was replaced

    report = RestoreReport(manifest=manifest)
    executor = MigrationExecutor(connection)
    report.migrations_applied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if report.migrations_applied:
        call_command("migrate", interactive=False, verbosity=0)
    for dotted in settings.RESTORE_HOOKS:
        hook: RestoreHook = import_string(dotted)
        report.hook_lines.extend(hook(manifest.taken_at))
    return report
