"""`manage.py import_payments FILE --organisation SLUG --by EMAIL [--dry-run]`: the same checks and preview as the
page, acting as the coordinator or admin named by --by."""

from members import imports
from members.management.commands.import_members import ImportCommand


class Command(ImportCommand):
    help = "Import fee payments into a shelter from a CSV or XLSX file; nothing on any error."
    kind = imports.PAYMENTS
