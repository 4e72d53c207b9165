"""Importing fee payments: matched to members of this shelter by e-mail; errors by line; nothing on error."""

from decimal import Decimal

import pytest

from members.imports import ImportRefused, import_confirm, import_preview
from members.models import Payment, PaymentMethod
from tests.factories import MemberFactory
from tests.members.test_import_members import csv_bytes, xlsx_bytes

HEADER = ["E-post", "År", "Belopp", "Betald", "Sätt", "Referens"]


@pytest.fixture
def anna(organisation):
    return MemberFactory(organisation=organisation, email="anna@example.se", first_name="Anna", user=None)


def test_payments_are_imported_and_matched_by_email(organisation, coordinator, anna):
    content = csv_bytes(
        [
            HEADER,
            ["ANNA@example.se", "2025", "200,00", "2025-02-01", "Swish", "=SUM(A1)"],
            ["anna@example.se", "2024", "150", "2024-03-01", "kontant", ""],
        ],
        encoding="cp1252",
    )
    preview = import_preview(kind="payments", organisation=organisation, content=content, by=coordinator)
    assert [(row.line, row.outcome) for row in preview.rows] == [(2, "new"), (3, "new")]
    import_confirm(kind="payments", organisation=organisation, content=content, by=coordinator)
    payments = {p.year: p for p in Payment.objects.filter(member=anna)}
    assert payments[2025].amount == Decimal("200.00") and payments[2025].method == PaymentMethod.SWISH
    assert payments[2024].method == PaymentMethod.CASH and payments[2025].organisation == organisation
    again = import_preview(kind="payments", organisation=organisation, content=content, by=coordinator)
    assert [row.outcome for row in again.rows] == ["unchanged", "unchanged"]


def test_payments_from_xlsx(organisation, coordinator, anna):
    import datetime

    content = xlsx_bytes([HEADER, ["anna@example.se", 2025, 200.5, datetime.datetime(2025, 2, 1), "bankgiro", "123"]])
    import_confirm(kind="payments", organisation=organisation, content=content, by=coordinator)
    payment = Payment.objects.get(member=anna)
    assert (payment.amount, payment.method, str(payment.paid_on)) == (Decimal("200.50"), "bankgiro", "2025-02-01")


def test_payment_errors_are_listed_by_line_and_nothing_is_imported(organisation, other_organisation, coordinator, anna):
    MemberFactory(organisation=other_organisation, email="annan@example.se", user=None)
    content = csv_bytes(
        [
            HEADER,
            ["anna@example.se", "2025", "200", "2025-02-01", "swish", ""],
            ["annan@example.se", "2025", "200", "2025-02-01", "swish", ""],
            ["anna@example.se", "25", "-5", "igår", "check", ""],
            ["anna@example.se", "2025", "300", "2025-02-01", "", ""],
        ]
    )
    preview = import_preview(kind="payments", organisation=organisation, content=content, by=coordinator)
    assert preview.error_lines == [2, 3, 4, 5]
    columns = {e.column for e in preview.errors if e.line == 4}
    assert columns == {"År", "Belopp", "Betald", "Sätt"}
    assert "Ingen medlem" in next(e.message for e in preview.errors if e.line == 3)
    with pytest.raises(ImportRefused):
        import_confirm(kind="payments", organisation=organisation, content=content, by=coordinator)
    assert not Payment.objects.exists()
