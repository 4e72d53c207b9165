"""The chart of volunteer hours per month, drawn on the server as inline SVG (no JavaScript, no library): the same
drawing on the page and in the PDF. The table beside it is the real content; the chart has a title and a
description for screen readers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

from .figures import Report

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 40


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    shift_y: float
    shift_height: float
    time_y: float
    time_height: float
    label: str
    label_x: float
    total: Decimal


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class HoursChart:
    width: int
    height: int
    left: int
    right_edge: int
    baseline: float
    label_y: float
    bars: list[Bar]
    ticks: list[Tick]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1): the top of the axis."""
    if value <= 1:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * exponent >= value:
            return step * exponent
    return 10 * exponent  # pragma: no cover - the loop always returns


def hours_chart(report: Report) -> HoursChart:
    months = report.months
    shifts = report.shift_hours_total.values
    other = report.time_hours_total.values
    top = nice_ceiling(float(max((s + t for s, t in zip(shifts, other, strict=True)), default=0)))
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(months), 1)
    bar_width = slot * 0.7
    baseline = TOP + plot_height
    every = 1 if len(months) <= 12 else 2  # 24 labels do not fit: every other month
    bars = []
    for index, (month, shift_hours, time_hours) in enumerate(zip(months, shifts, other, strict=True)):
        shift_height = plot_height * float(shift_hours) / top
        time_height = plot_height * float(time_hours) / top
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                width=round(bar_width, 1),
                shift_y=round(baseline - shift_height, 1),
                shift_height=round(shift_height, 1),
                time_y=round(baseline - shift_height - time_height, 1),
                time_height=round(time_height, 1),
                label=date_format(month, "M") if index % every == 0 else "",
                label_x=round(x + bar_width / 2, 1),
                total=shift_hours + time_hours,
            )
        )
    ticks = [Tick(y=round(baseline - plot_height * step / 4, 1), label=f"{top * step / 4:g}") for step in range(5)]
    return HoursChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        baseline=baseline,
        label_y=baseline + 18,
        bars=bars,
        ticks=ticks,
    )
