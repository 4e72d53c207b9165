"""django-import-export resources for the member register.

The import resources receive rows that members.imports has already checked and converted (so the
library's English widget errors never reach a person); they find the existing row from a dictionary
loaded in one query, write inside the shelter only, and report new / updated / unchanged.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field

from core.models import Organisation

from .imports import MEMBER_COLUMNS as MEMBER_FILE_COLUMNS
from .models import Member, MembershipType, MemberStatus, Payment, PaymentMethod, Role


def _plain(name: str) -> Field:
    return Field(attribute=name, column_name=name, widget=widgets.Widget())


# The member file's columns (members.imports describes them): the import reads every one, the export writes
# them all but protected identity, which never leaves Jourplan in a file.
IMPORTED_FIELDS = tuple(column.field for column in MEMBER_FILE_COLUMNS)
EXPORTED_FIELDS = tuple(name for name in IMPORTED_FIELDS if name != "protected_identity")


class _CheckedRowsResource(resources.ModelResource):
    """Shared behaviour: the preview writes nothing; constraints were checked on the whole file already."""

    write = True

    def do_instance_save(self, instance, is_create):
        # The preview only needs each row's outcome, known before saving; the confirm step saves.
        if self.write:
            super().do_instance_save(instance, is_create)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            # Field validation only: uniqueness of the e-mail per shelter (one query per row otherwise)
            # is checked for the whole file by members.imports, and the database constraint backs it.
            try:
                # The shelter is set by the resource itself, so its foreign key needs no query per row either.
                instance.full_clean(
                    exclude=[*errors.keys(), "organisation", "member"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class MemberImportResource(_CheckedRowsResource):
    first_name = _plain("first_name")
    last_name = _plain("last_name")
    email = _plain("email")
    phone = _plain("phone")
    postal_address = _plain("postal_address")
    language = _plain("language")
    role = _plain("role")
    status = _plain("status")
    member_since = _plain("member_since")
    membership_type = _plain("membership_type")
    protected_identity = _plain("protected_identity")

    class Meta:
        model = Member
        fields = IMPORTED_FIELDS
        import_id_fields = ("email",)
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, organisation: Organisation, existing: dict[str, Member], today: date, write: bool):
        super().__init__()
        self.write = write
        self.organisation = organisation
        self.existing = existing
        self.today = today
        self.status_before = {member.pk: member.status for member in existing.values()}

    def get_queryset(self):
        return Member.objects.for_organisation(self.organisation)

    def get_instance(self, instance_loader, row):
        return self.existing.get(row["email"].lower())

    def init_instance(self, row=None):
        return Member(organisation=self.organisation)

    def before_save_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation  # a file can never move a row into another shelter
        if instance.pk is None or self.status_before.get(instance.pk) != instance.status:
            instance.status_changed_on = self.today
            if instance.status == MemberStatus.LEFT and instance.left_on is None:
                instance.left_on = self.today


class PaymentImportResource(_CheckedRowsResource):
    member = Field(attribute="member_id", column_name="member", widget=widgets.Widget())
    year = _plain("year")
    amount = _plain("amount")
    paid_on = _plain("paid_on")
    method = _plain("method")
    reference = _plain("reference")

    class Meta:
        model = Payment
        fields = ("member", "year", "amount", "paid_on", "method", "reference")
        import_id_fields = ("member",)
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = False  # the member is checked to be in this shelter by members.imports
        use_transactions = True

    def __init__(self, *, organisation: Organisation, existing: dict[tuple, Payment], write: bool):
        super().__init__()
        self.write = write
        self.organisation = organisation
        self.existing = existing

    def get_queryset(self):
        return Payment.objects.for_organisation(self.organisation)

    def get_instance(self, instance_loader, row):
        return self.existing.get((row["member"], row["year"], row["paid_on"]))

    def init_instance(self, row=None):
        return Payment(organisation=self.organisation)

    def before_save_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation


class MemberExportResource(resources.ModelResource):
    """The member list for coordinators: protected members' contact data is left blank."""

    first_name = Field(attribute="first_name")
    last_name = Field(attribute="last_name")
    email = Field(attribute="email")
    phone = Field(attribute="phone")
    postal_address = Field(attribute="postal_address")
    language = Field(attribute="language")
    role = Field(attribute="role")
    status = Field(attribute="status")
    member_since = Field(attribute="member_since", widget=widgets.DateWidget("%Y-%m-%d"))
    membership_type = Field(attribute="membership_type")

    class Meta:
        model = Member
        fields = EXPORTED_FIELDS

    def __init__(self, *, organisation: Organisation):
        super().__init__()
        self.organisation = organisation
        labels = {column.field: str(column.label) for column in MEMBER_FILE_COLUMNS}
        for name, export_field in self.fields.items():
            export_field.column_name = labels[name]

    def get_queryset(self):
        return (
            Member.objects.for_organisation(self.organisation)
            .filter(erased_at=None)
            .order_by("first_name", "last_name", "pk")
        )

    def dehydrate_email(self, member):
        return "" if member.protected_identity else member.email

    def dehydrate_phone(self, member):
        if member.protected_identity or not member.phone:
            return ""
        # Swedish numbers in the national form (070-…), which no spreadsheet reads as a formula.
        if member.phone.country_code == 46:
            return member.phone.as_national
        return member.phone.as_international

    def dehydrate_postal_address(self, member):
        return "" if member.protected_identity else member.postal_address

    def dehydrate_language(self, member):
        return member.language

    def dehydrate_role(self, member):
        return str(Role(member.role).label)

    def dehydrate_status(self, member):
        return str(MemberStatus(member.status).label)

    def dehydrate_membership_type(self, member):
        return str(MembershipType(member.membership_type).label)


def members_export(*, organisation: Organisation) -> tuple[list[str], list[tuple]]:
    """The shelter's member list as a header and rows, for the export writer (core.exports), which
    neutralises formulas and writes CSV (semicolon, UTF-8 with BOM, as Swedish Excel reads it) or XLSX."""
    dataset = MemberExportResource(organisation=organisation).export()
    return list(dataset.headers), list(dataset)


def export_filename(*, file_format: str, today: date) -> str:
    return f"{_('members')}-{today.isoformat()}.{file_format}"


__all__ = [
    "MemberExportResource",
    "MemberImportResource",
    "PaymentImportResource",
    "PaymentMethod",
    "members_export",
]
