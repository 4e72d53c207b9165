"""Data and steps the volunteer journeys share: a shelter with a published pledge, a phone line whose shifts
need it, and evening shifts in the coming days at Stockholm wall-clock time."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from members.models import PledgeSignature, PledgeText
from tests.factories import LineFactory, ShiftFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def publish_pledge(organisation) -> PledgeText:
    return PledgeText.objects.create(
        organisation=organisation,
        version=1,
        text="Jag lovar att inte föra vidare något av det jag får veta i jouren.",
        published_at=timezone.now() - timedelta(days=30),
    )


def sign_pledge(member, pledge: PledgeText) -> None:
    PledgeSignature.objects.create(member=member, pledge_text=pledge)


def phone_line(organisation, **extra):
    fields = {"name": "Telefonjouren", "needs_pledge": True, "min_volunteers": 1, "max_volunteers": 2}
    fields.update(extra)
    return LineFactory(organisation=organisation, **fields)


def evening_shifts(line, count: int, *, first_day: int = 1, **extra) -> list:
    """`count` shifts 20:00–23:00 Stockholm time, one an evening from `first_day` days after today."""
    today = timezone.localdate(timezone=STOCKHOLM)
    shifts = []
    for i in range(count):
        day = today + timedelta(days=first_day + i)
        starts = datetime.combine(day, time(20, 0), tzinfo=STOCKHOLM)
        shifts.append(ShiftFactory(line=line, starts_at=starts, hours=3, **extra))
    return shifts


def portal_url(organisation, name: str = "members:portal", **kwargs) -> str:
    return reverse(name, kwargs={"organisation": organisation.slug, **kwargs})


def open_menu(page) -> None:
    """On a phone the header's links are behind "Meny" (a <details>): open it, as she taps it."""
    menu = page.locator("details.nav-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    menu.get_by_role("link").first.wait_for()
