"""Operators may read the outbox (never change it: a notice's content is rendered from current data)."""

from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    list_display = ["kind", "organisation", "status", "due_at", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]
