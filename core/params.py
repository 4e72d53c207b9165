"""The tolerant parsers for query parameters (?month=, ?week=, ?year=, ?line=, ?weeks=, …).

A query string is typed by anyone: a bookmark from another year, a half-copied link, a probe. Each parser
returns the value the page asked for when it is usable and the page's default otherwise, so a bad value shows
the default page and never a server error. "Usable" means ASCII digits only (Python's int() also takes "²"
and "٣"), a year inside YEARS (so the month or week before and after is a real date too, which date.min and
date.max would not allow), and a date that exists.

(To move to core/ with the platform.)
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, overload

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

# Years a page may show: far enough for any rota, statistics or record, and far from date.min/date.max so
# that the neighbouring month, week or year of any accepted value can still be built.
MIN_YEAR = 1900
MAX_YEAR = 2200
# The largest primary key the database can hold (BigAutoField); a larger number cannot name a row.
MAX_PK = 2**63 - 1

_DIGITS = re.compile(r"[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def _text(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


@overload
def parse_int(text: str | None, default: int, *, lo: int, hi: int, clamp: bool = False) -> int: ...
@overload
def parse_int(text: str | None, default: int | None, *, lo: int, hi: int, clamp: bool = False) -> int | None: ...
def parse_int(text: str | None, default: int | None, *, lo: int, hi: int, clamp: bool = False) -> int | None:
    """`text` as a whole number in lo..hi; outside the range the default (or the nearest bound with `clamp`)."""
    if not text or not _DIGITS.fullmatch(text):
        return default
    value = int(text)
    if lo <= value <= hi:
        return value
    if clamp:
        return min(max(value, lo), hi)
    return default


@overload
def parse_date(text: str | None, default: date) -> date: ...
@overload
def parse_date(text: str | None, default: date | None) -> date | None: ...
def parse_date(text: str | None, default: date | None) -> date | None:
    """An ISO date (YYYY-MM-DD) in an accepted year that exists; otherwise the default."""
    match = _DAY.fullmatch(text or "")
    if match is None:
        return default
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return default
    try:
        return date(year, month, day)
    except ValueError:  # 2026-02-30, month 13, day 0
        return default


def parse_month(text: str | None, default: date) -> date:
    """A month (YYYY-MM) in an accepted year, as its first day; otherwise the default."""
    match = _MONTH.fullmatch(text or "")
    if match is None:
        return default
    year, month = (int(part) for part in match.groups())
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return default
    return date(year, month, 1)


@overload
def int_param(request: HttpRequest, name: str, default: int, *, lo: int, hi: int, clamp: bool = False) -> int: ...
@overload
def int_param(
    request: HttpRequest, name: str, default: int | None, *, lo: int, hi: int, clamp: bool = False
) -> int | None: ...
def int_param(
    request: HttpRequest, name: str, default: int | None, *, lo: int, hi: int, clamp: bool = False
) -> int | None:
    """?name=<whole number in lo..hi>, else the default (or, with `clamp`, a too large/small one its bound)."""
    return parse_int(_text(request, name), default, lo=lo, hi=hi, clamp=clamp)


def year_param(request: HttpRequest, default: int, name: str = "year") -> int:
    """?year=YYYY within MIN_YEAR..MAX_YEAR, else the default."""
    return parse_int(_text(request, name), default, lo=MIN_YEAR, hi=MAX_YEAR)


def month_param(request: HttpRequest, default: date, name: str = "month") -> date:
    """?month=YYYY-MM as the month's first day, else the default."""
    return parse_month(_text(request, name), default)


def date_param(request: HttpRequest, default: date | None, name: str) -> date | None:
    """?name=YYYY-MM-DD, else the default."""
    return parse_date(_text(request, name), default)


def week_param(request: HttpRequest, default: date, name: str = "week") -> date:
    """?week=YYYY-MM-DD (any day of the week), else the default; the caller takes the week's Monday."""
    return parse_date(_text(request, name), default)


def pk_param(request: HttpRequest, name: str) -> int | None:
    """?name=<a primary key>, or None when it is missing or cannot be one."""
    return parse_int(_text(request, name), None, lo=1, hi=MAX_PK)


class PkMultipleChoiceField(forms.ModelMultipleChoiceField[Any]):
    """A ModelMultipleChoiceField for a query string (?courses=1&courses=2): a value that cannot be a primary
    key is refused as an invalid choice before the database sees it (SQLite and PostgreSQL both fail on an
    `IN` with a number larger than a primary key can be; Django's own check catches only non-numbers)."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for key in value:
                if parse_int(str(key).strip(), None, lo=1, hi=MAX_PK) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super().clean(value)


def page_param(request: HttpRequest) -> int:
    """?page=N for a Paginator's get_page (which shows the last page for a number past the end)."""
    return int_param(request, "page", 1, lo=1, hi=MAX_PK, clamp=True)
