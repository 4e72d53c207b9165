"""Read models of the coordinator's rota pages: frozen dataclasses carrying what the calendar shows, built in a
fixed number of queries whatever the number of shifts. Nothing here writes, nor sets attributes on models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, TypedDict, cast
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_stubs_ext import WithAnnotations

from core.models import Organisation

from .availability import held_while_away
from .generation import wall_clock
from .models import Assignment, AssignmentStatus, Line, RotaChange, Shift, Staffing


@dataclass(frozen=True, slots=True)
class RotaShift:
    """One shift as the month, week, day and gaps pages show it (times already in the shelter's zone), its
    staffing already in words: "2 av 3" always, and a mark only when it matters ("Saknar 1" for a gap,
    "Fullt", "Inställt")."""

    pk: int
    href: str
    line: Line
    starts_at: datetime
    ends_at: datetime
    times: str  # "20:00–23:00", local
    short_label: str  # "20:00 Jourtelefon": the month grid's line (made here, as one piece, for speed)
    line_class: str  # "line-colour-3"
    confirmed_count: int
    min_volunteers: int
    max_volunteers: int
    count_text: str  # "1 av 2"
    staffing: str  # Staffing: under / ok / full
    cancelled_at: datetime | None
    missing: int = 0  # places below the minimum of a gap (not cancelled, not started); 0 otherwise
    mark: str = ""  # "Saknar 1" / "Fullt" / "Inställt" / "" (an ordinary shift is quiet)
    mark_class: str = ""  # the mark's badge classes
    alert: bool = False  # a gap or cancelled: the month grid shows the mark only then
    names: str = ""  # the confirmed volunteers' first names, in the order they came on
    # "Risk: någon är borta": someone on it has since marked herself away (availability.held_while_away); coming
    # shifts only
    risk: str = ""

    @property
    def is_gap(self) -> bool:
        return self.missing > 0


class StaffingCounts(TypedDict):
    """What ShiftQuerySet.with_staffing() adds to each shift."""

    confirmed_count: int
    shadow_count: int
    staffing: str


class ConfirmedCount(TypedDict):
    """What the rota's pages need annotated on a shift: with_staffing() gives it, so does _confirmed_count()."""

    confirmed_count: int


@dataclass(frozen=True, slots=True)
class RotaDay:
    """A local date with the shifts a page shows of it. `total` and `gaps` count every shift of the day (in the
    chosen line); a page that folds a busy day shows some of them, always the gaps first."""

    date: date
    today: bool
    shifts: tuple[RotaShift, ...]
    outside: bool = False  # in the month grid: a day of the previous or next month
    total: int = 0
    gaps: int = 0
    href: str = ""  # the day page, with the chosen line
    gaps_text: str = ""  # "2 luckor"
    more_text: str = ""  # "+85 till, varav 3 luckor" when shifts are folded away
    away_text: str = ""  # "3 borta": how many of the shelter's members are away that day, never who or why

    @property
    def hidden(self) -> int:
        return self.total - len(self.shifts)


def unpublished_count(organisation: Organisation) -> int:
    """Coordinators' edits of the rota that no volunteer has been told of yet."""
    return RotaChange.objects.for_organisation(organisation).unpublished().count()


class _ShiftRow(NamedTuple):
    """What the calendars read of a shift, as plain values."""

    pk: int
    line_id: int
    starts_at: datetime
    ends_at: datetime
    min_volunteers: int
    max_volunteers: int
    cancelled_at: datetime | None
    confirmed_count: int


class _RotaShiftBuilder:
    """Formats shifts of one shelter; the words and the URL prefix are made once per page, not per shift."""

    def __init__(self, organisation: Organisation, now: datetime | None = None):
        self.zone = organisation.zone
        self.now = now or timezone.now()
        self.base = reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": 0})[:-2]
        self.full = pgettext("staffing", "Full")
        self.cancelled = pgettext("shift", "Cancelled")
        self.count_format = _("%(count)s of %(max)s")
        self.risk = _("Risk: someone is away")
        self.missing_words: dict[int, str] = {}

    def missing_text(self, missing: int) -> str:
        if missing not in self.missing_words:
            self.missing_words[missing] = ngettext("%(count)d missing", "%(count)d missing", missing) % {
                "count": missing
            }
        return self.missing_words[missing]

    def build(
        self,
        shift: WithAnnotations[Shift, ConfirmedCount] | _ShiftRow,
        names: str = "",
        line: Line | None = None,
        at_risk: bool = False,
    ) -> RotaShift:
        """`shift` carries confirmed_count (with_staffing() or _confirmed_count()), and its line unless given;
        `at_risk`: someone on it has since marked herself away."""
        starts, ends = shift.starts_at.astimezone(self.zone), shift.ends_at.astimezone(self.zone)
        shift_line = line if line is not None else shift.line  # type: ignore[union-attr]  # a row comes with it
        start = f"{starts.hour:02d}:{starts.minute:02d}"  # not strftime: three times faster, for each shift
        confirmed = shift.confirmed_count
        if confirmed < shift.min_volunteers:
            staffing = Staffing.UNDER
        elif confirmed >= shift.max_volunteers:
            staffing = Staffing.FULL
        else:
            staffing = Staffing.OK
        missing, mark, mark_class = 0, "", ""
        if shift.cancelled_at is not None:
            mark, mark_class = self.cancelled, "badge badge-missing"
        elif staffing == Staffing.UNDER and shift.starts_at > self.now:
            missing = shift.min_volunteers - confirmed
            mark, mark_class = self.missing_text(missing), "badge badge-warning"
        elif staffing == Staffing.FULL:
            mark, mark_class = self.full, "badge badge-full"
        return RotaShift(
            pk=shift.pk,
            href=f"{self.base}{shift.pk}/",
            line=shift_line,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            times=f"{start}–{ends.hour:02d}:{ends.minute:02d}",
            short_label=f"{start} {shift_line.name}",
            line_class=shift_line.css_colour,
            confirmed_count=shift.confirmed_count,
            min_volunteers=shift.min_volunteers,
            max_volunteers=shift.max_volunteers,
            count_text=self.count_format % {"count": shift.confirmed_count, "max": shift.max_volunteers},
            staffing=staffing,
            cancelled_at=shift.cancelled_at,
            missing=missing,
            mark=mark,
            mark_class=mark_class,
            alert=missing > 0 or shift.cancelled_at is not None,
            names=names,
            risk=self.risk if at_risk and shift.cancelled_at is None and shift.starts_at > self.now else "",
        )


def _confirmed_count() -> Subquery:
    """A shift's confirmed volunteers (shadows excluded), as a subquery: it can sit in a window's ORDER BY and an
    aggregate's argument, where with_staffing()'s join with GROUP BY cannot. COUNT as a plain function, so the
    subquery has no GROUP BY (and answers 0, not nothing, for a shift nobody is on)."""
    confirmed = (
        Assignment.objects.confirmed()
        .filter(shift=OuterRef("pk"))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("count")
    )
    return Subquery(confirmed, output_field=IntegerField())


def _is_gap(now: datetime) -> Case:
    """1 for a gap: a shift below its minimum that is neither cancelled nor started; 0 otherwise."""
    return Case(
        When(
            # In this order, so that a cancelled or past shift skips the count.
            Q(cancelled_at=None) & Q(starts_at__gt=now) & Q(min_volunteers__gt=_confirmed_count()),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


class _LocalDate(TruncDate):
    """A shift's calendar date in the shelter's zone. PostgreSQL converts in its own code; on SQLite TruncDate
    calls a Python function for every row (a third of the month page's time at 10×), so there it is SQLite's
    date() shifted by the zone's UTC offset, the offset switching at each daylight-saving change inside the
    period (`offsets`: the instant from which each offset holds, in minutes)."""

    def __init__(self, expression: str, *, zone: ZoneInfo, offsets: list[tuple[datetime, int]]):
        super().__init__(expression, tzinfo=zone)
        self.offsets = offsets

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.lhs)
        (_, first), *changes = self.offsets
        if not changes:
            return f"date({column}, %s)", (*column_params, f"{first:+d} minutes")
        whens, params = [], []
        previous = first
        for since, minutes in changes:
            whens.append(f"WHEN {column} < %s THEN %s")
            params += [*column_params, connection.ops.adapt_datetimefield_value(since), f"{previous:+d} minutes"]
            previous = minutes
        sql = f"date({column}, CASE {' '.join(whens)} ELSE %s END)"
        return sql, (*column_params, *params, f"{previous:+d} minutes")


def _utc_offsets(zone: ZoneInfo, start_at: datetime, end_at: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (minutes) between two instants, each with the instant it starts to hold."""

    def minutes(at: datetime) -> int:
        offset = at.astimezone(zone).utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0

    offsets = [(start_at, minutes(start_at))]
    low = start_at
    while low < end_at:
        high = min(low + timedelta(days=1), end_at)
        if minutes(high) != offsets[-1][1]:
            while high - low > timedelta(seconds=1):  # the change's instant, to the second
                middle = low + (high - low) / 2
                low, high = (middle, high) if minutes(middle) == offsets[-1][1] else (low, middle)
            offsets.append((high, minutes(high)))
        low = high
    return offsets


class _DayWords:
    """The words of a day's summary, made once per page for each number that occurs."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, int], str] = {}

    def gaps(self, gaps: int) -> str:
        key = ("gaps", gaps, 0)
        if key not in self.cache:
            self.cache[key] = ngettext("%(count)d gap", "%(count)d gaps", gaps) % {"count": gaps}
        return self.cache[key]

    def more(self, hidden: int, hidden_gaps: int) -> str:
        key = ("more", hidden, hidden_gaps)
        if key not in self.cache:
            if hidden_gaps:
                text = ngettext(
                    "+%(count)d more, %(gaps)d of them a gap",
                    "+%(count)d more, %(gaps)d of them gaps",
                    hidden_gaps,
                ) % {"count": hidden, "gaps": hidden_gaps}
            else:
                text = _("+%(count)d more") % {"count": hidden}
            self.cache[key] = text
        return self.cache[key]

    def away(self, away: int) -> str:
        key = ("away", away, 0)
        if key not in self.cache:
            self.cache[key] = ngettext("%(count)d away", "%(count)d away", away) % {"count": away}
        return self.cache[key]


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """A datetime column read through a plain cursor: PostgreSQL answers an aware datetime, SQLite a naive one in
    UTC (or the UTC text Django stored, "2026-12-02 07:00:00[.ffffff]", where the column's type is lost)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _column(field: Any) -> str:
    """A concrete field's column (the stubs allow None, for fields without one)."""
    return cast(str, field.column)


def _first_of_each_day(
    shifts: QuerySet[Shift], *, zone: ZoneInfo, start_at: datetime, end_at: datetime, now: datetime, per_day: int
) -> tuple[list[_ShiftRow], dict[date, tuple[int, int]]]:
    """The first `per_day` shifts of each local day, gaps first, then by start (and pk), as rows with their
    confirmed count; and each day's number of shifts and of gaps. One query, in which the database looks at every
    shift of the period once: a common table expression computes each shift's day and whether it is a gap (the
    count of its volunteers, the costly part, only for a shift that is neither cancelled nor started), both the
    ranking (ROW_NUMBER over the day) and the day's counts read that, and only the shifts picked are read whole
    and have their confirmed volunteers counted. Written as SQL around the ORM's own SQL for the period, because
    the ORM repeats an annotation wherever it is used (the count would run twice per shift) and cannot select
    from a subquery."""
    period = shifts.values(
        rota_shift=F("pk"),
        rota_start=F("starts_at"),
        rota_date=_LocalDate("starts_at", zone=zone, offsets=_utc_offsets(zone, start_at, end_at)),
        rota_gap=_is_gap(now),
    ).order_by()
    period_sql, params = period.query.sql_with_params()
    connection = connections[period.db]
    name = connection.ops.quote_name
    shift, start, day, gap = (name(each) for each in ("rota_shift", "rota_start", "rota_date", "rota_gap"))
    rank, total, gaps = name("rota_rank"), name("rota_total"), name("rota_gaps")
    # The picked shifts' own columns, in _ShiftRow's order (confirmed_count is counted below).
    shift_table = name(Shift._meta.db_table)
    own = ("id", "line", "starts_at", "ends_at", "min_volunteers", "max_volunteers", "cancelled_at")
    columns = ", ".join(f"{shift_table}.{name(_column(Shift._meta.get_field(field)))}" for field in own)
    places = name(Assignment._meta.db_table)
    place_shift, place_status = name(_column(Assignment.shift.field)), name(_column(Assignment.status.field))
    # Only quoted names and the ORM's own SQL are put into the text; every value is a parameter.
    sql = (
        f"WITH period AS ({period_sql}), "  # noqa: S608
        f"ranked AS (SELECT {shift}, {day}, ROW_NUMBER() OVER "
        f"(PARTITION BY {day} ORDER BY {gap} DESC, {start}, {shift}) AS {rank} FROM period), "
        f"days AS (SELECT {day}, COUNT(*) AS {total}, SUM({gap}) AS {gaps} FROM period GROUP BY {day}) "
        f"SELECT days.{day}, days.{total}, days.{gaps}, {columns}, "
        f"(SELECT COUNT(*) FROM {places} WHERE {places}.{place_shift} = ranked.{shift} "
        f"AND {places}.{place_status} = %s) "
        f"FROM days JOIN ranked ON ranked.{day} = days.{day} AND ranked.{rank} <= %s "
        f"JOIN {shift_table} ON {shift_table}.{name(_column(Shift._meta.pk))} = ranked.{shift}"
    )
    picked: list[_ShiftRow] = []
    counts: dict[date, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, AssignmentStatus.CONFIRMED.value, per_day))
        for (
            local_date,
            day_total,
            day_gaps,
            pk,
            line_id,
            starts,
            ends,
            low,
            high,
            cancelled,
            confirmed,
        ) in cursor.fetchall():
            # SQLite answers the date as text, PostgreSQL as a date.
            counts[date.fromisoformat(str(local_date))] = (day_total, day_gaps)
            starts_at, ends_at = _as_datetime(starts), _as_datetime(ends)
            assert starts_at is not None and ends_at is not None  # both columns are NOT NULL
            picked.append(_ShiftRow(pk, line_id, starts_at, ends_at, low, high, _as_datetime(cancelled), confirmed))
    return picked, counts


def rota_days(
    *,
    organisation: Organisation,
    start: date,
    end: date,
    today: date,
    per_day: int,
    line: Line | None = None,
    month: date | None = None,
    names: bool = True,
    now: datetime | None = None,
    away: dict[date, int] | None = None,
    lines: list[Line] | None = None,
) -> list[RotaDay]:
    """Every local date start..end (inclusive) with at most `per_day` of its shifts (cancelled ones too), gaps
    first, in time order, with their staffing and, with `names`, the confirmed volunteers' first names; a day
    with one more than `per_day` shows them all rather than fold one away. Each day knows how many shifts and
    gaps it has in all, and says how many it folds; a shift someone on it holds while away is at risk. The
    database picks and counts, so Python only sees the shifts shown: three queries (two when the caller gives
    the shelter's `lines`), one more with `names`, whatever the number of shifts. With `month`, days of other
    months are marked `outside`; with `away` (availability.away_counts), each day says how many are away."""
    zone = organisation.zone
    now = now or timezone.now()
    start_at, end_at = wall_clock(start, time(0), zone), wall_clock(end + timedelta(days=1), time(0), zone)
    in_period = Shift.objects.for_organisation(organisation).filter(starts_at__gte=start_at, starts_at__lt=end_at)
    if line is not None:
        in_period = in_period.filter(line=line)
    rows, counts = _first_of_each_day(
        in_period, zone=zone, start_at=start_at, end_at=end_at, now=now, per_day=per_day + 1
    )
    rows.sort(key=lambda row: (row.starts_at, row.pk))
    picked = [row.pk for row in rows]
    # Plain rows, not models: the lines come from one small query, so a line is not built again for each shift.
    if lines is None:
        lines = list(Line.objects.filter(organisation=organisation))
    by_pk = {each.pk: each for each in lines}
    who: dict[int, list[str]] = {}
    if names:
        confirmed = (
            Assignment.objects.confirmed()
            .filter(shift__in=picked)
            .order_by("shift_id", "created_at", "pk")
            .values_list("shift_id", "member__first_name")
        )
        for shift_id, first_name in confirmed:
            who.setdefault(shift_id, []).append(first_name)
    held = held_while_away(
        Assignment.objects.filter(shift__in=picked), start - timedelta(days=1), end + timedelta(days=2)
    )
    at_risk = {place.shift_id for place in held}
    builder = _RotaShiftBuilder(organisation, now)
    by_day: dict[date, list[RotaShift]] = {}
    for shift in rows:
        built = builder.build(
            shift, ", ".join(who.get(shift.pk, ())), line=by_pk[shift.line_id], at_risk=shift.pk in at_risk
        )
        by_day.setdefault(shift.starts_at.astimezone(zone).date(), []).append(built)
    for day, shown in by_day.items():
        shown.sort(key=lambda each: (each.starts_at, each.line.name, each.pk))
        if counts.get(day, (0, 0))[0] > per_day + 1:
            # One more than per_day came so that a day of per_day + 1 shows them all; a busier day folds the
            # last by the ranking's order (gaps first).
            shown.remove(max(shown, key=lambda each: (not each.is_gap, each.starts_at, each.pk)))
    day_url = reverse("shifts:rota_day", kwargs={"organisation": organisation.slug}) + "?date="
    line_query = f"&line={line.pk}" if line is not None else ""
    words = _DayWords()
    days = []
    day = start
    while day <= end:
        listed = tuple(by_day.get(day, ()))
        total, gaps = counts.get(day, (len(listed), 0))
        hidden = total - len(listed)
        hidden_gaps = gaps - sum(1 for each in listed if each.is_gap)
        days.append(
            RotaDay(
                date=day,
                today=day == today,
                shifts=listed,
                outside=month is not None and (day.year, day.month) != (month.year, month.month),
                total=total,
                gaps=gaps,
                href=f"{day_url}{day:%Y-%m-%d}{line_query}",
                gaps_text=words.gaps(gaps) if gaps else "",
                more_text=words.more(hidden, hidden_gaps) if hidden else "",
                away_text=words.away(away[day]) if away and away.get(day) else "",
            )
        )
        day += timedelta(days=1)
    return days


def _under_staffed(
    *, organisation: Organisation, now: datetime, weeks: int, line: Line | None = None
) -> QuerySet[WithAnnotations[Shift, ConfirmedCount]]:
    # The confirmed count as a subquery per shift, not with_staffing()'s join and GROUP BY: three times faster at
    # the 10× seed (2,520 shifts in four weeks: 8 ms instead of 20 for the count and the page together).
    shifts = (
        Shift.objects.for_organisation(organisation)
        .not_cancelled()
        .filter(starts_at__gt=now, starts_at__lt=now + timedelta(weeks=weeks))
        .annotate(confirmed_count=_confirmed_count())
        .filter(confirmed_count__lt=F("min_volunteers"))
    )
    shifts = shifts if line is None else shifts.filter(line=line)
    return cast("QuerySet[WithAnnotations[Shift, ConfirmedCount]]", shifts)  # the plugin loses the annotation


def under_staffed_shifts(
    *,
    organisation: Organisation,
    now: datetime,
    weeks: int,
    line: Line | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[RotaShift]:
    """Under-staffed shifts (not cancelled) starting in the next `weeks` weeks, the first `limit` of them after
    the first `offset` when given (a page of the gaps list): one query."""
    shifts = _under_staffed(organisation=organisation, now=now, weeks=weeks, line=line)
    end = None if limit is None else offset + limit
    shifts = shifts.select_related("line").order_by("starts_at", "pk")[offset:end]
    builder = _RotaShiftBuilder(organisation, now)
    return [builder.build(shift) for shift in shifts]


def under_staffed_count(*, organisation: Organisation, now: datetime, weeks: int, line: Line | None = None) -> int:
    """How many shifts under_staffed_shifts() would list: one query."""
    return _under_staffed(organisation=organisation, now=now, weeks=weeks, line=line).count()
