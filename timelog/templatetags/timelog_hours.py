"""`{{ value|hours }}`: hours as she writes them, without trailing zeros, in her language's decimal mark (2,5)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return number_format(Decimal(f"{amount.normalize():f}"))
