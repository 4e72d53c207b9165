"""Notice kinds: what each kind of message is, who plans it, when it no longer applies, and its words.

Each kind is one class in its app's `notices.py`, and every kind is listed in one place:
`settings.NOTICE_KINDS`, a tuple of dotted paths. `notices` imports no app above it; it reads that list
(once, on first use) instead of being told about kinds by an import side effect. To follow a reminder from
beat to the mail: `notices.tasks.dispatch_due_notices` → `plan_due` → each kind's `plan(now)`; then
`outbox.notice_send` → `kind_for(notice.kind)` → `is_obsolete` → `render`.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import Promise

    from .models import Notice
    from .outbox import Message


class NoticeKind:
    """One kind of notice. Subclasses set `slug` and `label` and implement `render`; most also `is_obsolete`.

    - `plan(now)` is called by beat's scan every tick and plans what has fallen due (cheap and idempotent:
      the unique dedupe key makes a second run harmless). A kind planned directly by a service when
      something happens keeps the default, which plans nothing, and names that service in `planned_by`.
    - `is_obsolete(notice)` is asked at send time, before rendering: a truthy answer drops the notice
      (never sent); a string answer is recorded as the reason.
    - `render(notice)` gives the message in the active language (the recipient's), from current data. It
      raises `DropNotice` only when data vanishes between `is_obsolete` and rendering.
    - `load(notice)` reads what `is_obsolete` and `render` both need; `subject(notice)` returns it, read
      once per send.
    """

    slug: ClassVar[str]
    label: ClassVar[str | Promise]
    # templates/notices/<template>_subject.txt, _body.txt, optional _body.html and _sms.txt
    template: ClassVar[str] = ""
    # For a kind whose `plan` plans nothing: the dotted path of the service that plans it when something
    # happens, optionally followed by a note ("members.services.pledge_publish (through …)").
    planned_by: ClassVar[str] = ""
    # What the notice is about, as she chooses her channels (notices.models.Topic): one Notice row is planned per
    # channel she wants for the topic (notices.outbox.delivery_channels). Topic.ACCOUNT always goes by e-mail.
    # Every kind in settings.NOTICE_KINDS names one (tests/notices/test_channel_choice.py); a kind without one
    # (a test's or a benchmark's own) goes by her default channel, Member.notice_channel.
    topic: ClassVar[str | None] = None

    @property
    def template_name(self) -> str:
        return self.template or self.slug

    def plan(self, now: datetime) -> int:
        """Plan the notices of this kind that have fallen due by `now`; the number planned."""
        return 0

    def load(self, notice: Notice) -> Any:
        return None

    def subject(self, notice: Notice) -> Any:
        """What `load` returns for this notice, loaded once per send."""
        if "_kind_subject" not in notice.__dict__:
            notice.__dict__["_kind_subject"] = self.load(notice)
        return notice.__dict__["_kind_subject"]

    def is_obsolete(self, notice: Notice) -> bool | str:
        """False (or "") while the notice still applies; otherwise True, or why it no longer does."""
        return False

    def render(self, notice: Notice) -> Message:
        raise NotImplementedError(f"{type(self).__name__} must render its notices.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug!r}>"


Row = TypeVar("Row", bound=models.Model)


def subject_of(rows: QuerySet[Row], notice: Notice) -> Row | None:
    """The notice's subject among `rows` (a kind's `load`): None when it is gone or the notice has none."""
    if notice.subject_id is None:
        return None
    return rows.filter(pk=notice.subject_id).first()


@cache
def registered_kinds() -> dict[str, NoticeKind]:
    """slug → kind, one instance of each class named in settings.NOTICE_KINDS, in that order."""
    kinds: dict[str, NoticeKind] = {}
    for path in settings.NOTICE_KINDS:
        kind = import_string(path)()
        if kind.slug in kinds:
            raise ValueError(f"Two notice kinds have the slug {kind.slug!r}: {kinds[kind.slug]!r} and {path}.")
        kinds[kind.slug] = kind
    return kinds


def kind_for(slug: str) -> NoticeKind | None:
    return registered_kinds().get(slug)


def plan_due(now: datetime) -> int:
    """Beat's planning step: every kind plans what has fallen due by `now`."""
    return sum(kind.plan(now) for kind in registered_kinds().values())


@receiver(setting_changed)
def _forget_kinds(*, setting: str, **kwargs: Any) -> None:
    if setting == "NOTICE_KINDS":
        registered_kinds.cache_clear()
