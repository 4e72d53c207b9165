"""Sharing figures with the federation, and withdrawing them, are in the audit trail (django-auditlog)."""

from auditlog.registry import auditlog

from .models import FigureShare

auditlog.register(FigureShare)
