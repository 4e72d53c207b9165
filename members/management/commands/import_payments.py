"""`manage.py import_payments FILE --organisation SLUG [--dry-run]`: the same checks and preview as the page."""

from members import imports
from members.management.commands.import_members import ImportCommand


class Command(ImportCommand):
    help = "Import fee payments into a shelter from a CSV or XLSX file; nothing on any error."
    kind = imports.PAYMENTS
