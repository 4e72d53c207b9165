"""The admins' audit trail: who changed members' personal data, and who exported it, in her shelter only."""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.audit import ACTION_LABELS
from core.models import Organisation
from core.params import page_param

from ..access import admin_required
from ..audit import export_labels, member_row_models, shelter_row_models
from ..models import Member

PAGE_SIZE = 50
MASKED = _("changed (not shown)")


def audit_entries_for(organisation: Organisation):
    """Audit entries about the shelter, its members and their register rows, newest first."""
    member_rows = member_row_models()
    shelter_rows = shelter_row_models()
    types = ContentType.objects.get_for_models(Organisation, Member, *member_rows, *shelter_rows)
    members = Member.objects.filter(organisation=organisation).values("pk")
    about = Q(content_type=types[Organisation], object_id=organisation.pk) | Q(
        content_type=types[Member], object_id__in=members
    )
    for model in member_rows:
        about |= Q(
            content_type=types[model],
            object_id__in=model.objects.filter(member__organisation=organisation).values("pk"),
        )
    for model in shelter_rows:
        about |= Q(
            content_type=types[model], object_id__in=model.objects.filter(organisation=organisation).values("pk")
        )
    return LogEntry.objects.filter(about).select_related("content_type").order_by("-timestamp", "-pk")


def _concrete_field(model, name: str):
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None
    return field if field.concrete else None


def _shown(value: object) -> str:
    """A value as the audit trail recorded it (auditlog writes a missing value as "None"), for the page."""
    return "" if value is None or value == "None" else str(value)


def _changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """What an update changed, field by field. Masked fields (contact data, notes) say only that they changed:
    even the masked value would show part of a phone number or an address."""
    if entry.action != LogEntry.Action.UPDATE:
        return []
    model = entry.content_type.model_class()
    masked = set(auditlog.get_model_fields(model).get("mask_fields") or []) if auditlog.contains(model) else set()
    rows: list[tuple[str, str, str]] = []
    for name, values in sorted((entry.changes or {}).items()):
        field = _concrete_field(model, name)
        if field is None or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        if name in masked:
            rows.append((str(field.verbose_name), "", str(MASKED)))
            continue
        choices = {str(key): label for key, label in (field.flatchoices or [])}
        old, new = (choices.get(str(value), value) for value in values)
        rows.append((str(field.verbose_name), _shown(old), _shown(new)))
    return rows


def _whose_rows(entries) -> dict[tuple[int, int], str]:
    """The member a row (interview, payment, training record…) belongs to, for the entries of one page: one
    query per kind of row on the page (at most len(member_row_models())), whatever the number of entries."""
    wanted: dict = {}
    member_rows = member_row_models()
    for entry in entries:
        model = entry.content_type.model_class()
        if model in member_rows and entry.object_id is not None:
            wanted.setdefault(model, set()).add(entry.object_id)
    whose = {}
    for model, ids in wanted.items():
        content_type_id = ContentType.objects.get_for_model(model).pk
        for pk, first, last in model.objects.filter(pk__in=ids).values_list(
            "pk", "member__first_name", "member__last_name"
        ):
            whose[(content_type_id, pk)] = f"{first} {last}".strip()
    return whose


@admin_required
def audit_trail(request):
    entries = audit_entries_for(request.organisation).only(
        "pk",
        "timestamp",
        "action",
        "object_id",
        "object_repr",
        "changes",
        "additional_data",
        "actor_id",
        "content_type",
    )
    page = Paginator(entries, PAGE_SIZE).get_page(page_param(request))
    entries = list(page.object_list)
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    names = {
        user_id: f"{first} {last}".strip()
        for user_id, first, last in Member.objects.filter(
            organisation=request.organisation, user_id__in=actor_ids
        ).values_list("user_id", "first_name", "last_name")
    }
    whose = _whose_rows(entries)
    labels = export_labels()
    rows = []
    for entry in entries:
        export = (entry.additional_data or {}).get("export") if entry.action == LogEntry.Action.ACCESS else None
        rows.append(
            {
                "entry": entry,
                "action": ACTION_LABELS.get(entry.action, entry.get_action_display()),
                "actor": names.get(entry.actor_id, _("Someone outside the shelter")) if entry.actor_id else _("System"),
                "export": labels.get(export, export) if export else "",
                "whose": whose.get((entry.content_type_id, entry.object_id), ""),
                "changes": [] if export else _changes(entry),
            }
        )
    return render(request, "members/audit_trail.html", {"page": page, "rows": rows})
