"""The erasure journal: a record, kept apart from the database, of every member erased, so that restoring a
backup taken before an erasure never brings her back (core.backup calls `reapply_after_restore`).

It lives in an append-only file (settings.ERASURE_JOURNAL), not in the database it protects: a restore replaces
the database, and a lost database must not take the journal with it. Keep it on other storage than the database
and the backups. One JSON line per event, holding only ids and moments, never a name:

    {"event": "erasure", "state": "pending",   "entry": "<random id>", "member": 12, "organisation": 3,
     "member_created_at": "…", "erased_at": "…"}
    {"event": "erasure", "state": "committed", "entry": "<same id>", "at": "…"}

Why two lines: `member_erase` writes the pending line (fsync'd) inside its transaction, after her data is gone
and before it commits; the committed line follows on commit. A process that dies between the commit and the
second line leaves a pending line only; so does an erasure that was rolled back after it. A restore cannot tell
the two apart, and re-applies a pending erasure too: erring towards erasure (she had left, and someone with the
right to erase her asked for it) is the lesser harm than bringing back a member who was erased. When the journal
cannot be written, `member_erase` fails and its transaction rolls back: no erasure a restore could undo.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Member, MemberStatus

# How long before a backup's moment a journal entry is still re-applied. The backup's moment is taken before the
# dump starts and an entry's moment (erased_at) before its transaction commits: an erasure that began just before
# the backup and committed after the dump's snapshot is in the journal with a moment before the backup's, and
# not in the backup. member_erase runs in seconds; re-applying an erasure the backup already holds does nothing.
MARGIN = timedelta(minutes=10)


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL)


def _append(line: dict[str, object]) -> None:
    """Append one line and fsync it; one write under an exclusive lock, so lines of several processes never mix."""
    path = journal_path()
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def journal_erasure(member: Member) -> None:
    """Called by member_erase inside its transaction, once her data is gone: records the erasure as pending now
    and as committed when the transaction commits. Raises (and so rolls the erasure back) when it cannot write."""
    entry = uuid.uuid4().hex
    _append(
        {
            "event": "erasure",
            "state": "pending",
            "entry": entry,
            "member": member.pk,
            "organisation": member.organisation_id,
            "member_created_at": member.created_at.isoformat(),
            "erased_at": (member.erased_at or timezone.now()).isoformat(),
        }
    )
    transaction.on_commit(
        lambda: _append({"event": "erasure", "state": "committed", "entry": entry, "at": timezone.now().isoformat()}),
        # The erasure has committed: a failed second line must not turn it into an error page. The pending line
        # already makes a restore re-apply it.
        robust=True,
    )


@dataclass(frozen=True)
class JournalErasure:
    entry: str
    member_id: int
    organisation_id: int
    member_created_at: datetime
    erased_at: datetime
    committed_at: datetime | None

    @property
    def moment(self) -> datetime:
        return self.committed_at or self.erased_at


def journal_erasures() -> list[JournalErasure]:
    """Every erasure in the journal, oldest first. A torn last line (a crash mid-write) is skipped."""
    path = journal_path()
    if not path.exists():
        return []
    pending: dict[str, dict] = {}
    committed: dict[str, datetime] = {}
    with path.open(encoding="utf-8") as lines:
        for text in lines:
            try:
                line = json.loads(text)
            except ValueError:
                continue
            if line.get("event") != "erasure":
                continue
            if line.get("state") == "pending":
                pending[line["entry"]] = line
            elif line.get("state") == "committed":
                committed[line["entry"]] = datetime.fromisoformat(line["at"])
    erasures = [
        JournalErasure(
            entry=entry,
            member_id=int(line["member"]),
            organisation_id=int(line["organisation"]),
            member_created_at=datetime.fromisoformat(line["member_created_at"]),
            erased_at=datetime.fromisoformat(line["erased_at"]),
            committed_at=committed.get(entry),
        )
        for entry, line in pending.items()
    ]
    return sorted(erasures, key=lambda erasure: erasure.erased_at)


def reapply_after_restore(taken_at: datetime) -> list[str]:
    """After a restore of a backup taken at `taken_at`: erase again every member the journal says was erased
    after it (less MARGIN) who is in the restored data and not erased there, through member_erase as the system.
    Returns one line per journal entry considered, for the restore command to print."""
    from .gdpr import member_erase

    report: list[str] = []
    for erasure in journal_erasures():
        if erasure.moment < taken_at - MARGIN:
            continue
        label = (
            f"member {erasure.member_id} (organisation {erasure.organisation_id}, "
            f"erased {erasure.erased_at:%Y-%m-%d %H:%M:%S%z})"
        )
        if erasure.committed_at is None:
            label += " [commit not confirmed in the journal: re-applied all the same]"
        member = Member.objects.filter(pk=erasure.member_id, organisation_id=erasure.organisation_id).first()
        if member is None:
            report.append(f"{label}: not in the backup, nothing to erase")
            continue
        if member.created_at != erasure.member_created_at:
            # Ids are reused after an earlier restore reset the sequence: this is someone else.
            report.append(f"{label}: the id now belongs to another member, left alone")
            continue
        if member.erased_at is not None:
            report.append(f"{label}: already erased in the backup")
            continue
        with transaction.atomic():
            if member.status != MemberStatus.LEFT:
                # She had left before she was erased; the backup predates that. Her leaving is a fact the journal
                # vouches for, so it is set directly: the last-admin rule of member_mark_left must not stop it.
                left_on = timezone.localdate(erasure.erased_at)
                Member.objects.filter(pk=member.pk).update(
                    status=MemberStatus.LEFT, left_on=left_on, status_changed_on=left_on, invited_at=None
                )
                member.refresh_from_db()
            member_erase(member=member, by=None)
        report.append(f"{label}: erased again")
    return report
