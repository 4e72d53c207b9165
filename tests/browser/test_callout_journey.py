"""Issue 17: the coordinator fills a gap from its suggestions with a call-out (from her start page, on a laptop);
a volunteer, on her phone and not logged in, takes the shift from the link in her mail in one tap; the coordinator
then sees who took it. Every page passes the harness's checks (axe, no sideways scroll, weight, tap targets)."""

import re
from datetime import datetime, time, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from notices.models import Notice, NoticeStatus
from notices.outbox import notice_send
from shifts.models import Assignment, AssignmentStatus, CallOut
from tests.factories import LineFactory, MemberFactory, ShiftFactory

from .conftest import assert_tap_target


def test_a_gap_is_filled_by_a_call_out_taken_from_a_phone_in_one_tap(desktop, phone, organisation):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=1, max_volunteers=2)
    day = timezone.localdate() + timedelta(days=2)
    gap = ShiftFactory(line=line, local_start=datetime.combine(day, time(20)))
    anna, bodil = (
        MemberFactory(organisation=organisation, first_name=name, last_name="Ideell") for name in ("Anna", "Bodil")
    )

    # The coordinator: her start page shows the gap; she opens it and asks two of its suggestions.
    office = desktop(coordinator)
    page = office.goto(reverse("members:portal", kwargs={"organisation": organisation.slug}))
    page.locator("#panel-callouts").get_by_text("Ingen förfrågan är öppen.").wait_for()
    page.locator("#panel-gaps").get_by_role("link", name=re.compile("Jourtelefon")).click()
    page.get_by_role("heading", name="Förfrågan om passet").wait_for()
    callout = page.locator("#callout")
    callout.get_by_role("checkbox", name=re.compile("^Anna Ideell")).check()
    callout.get_by_role("checkbox", name=re.compile("^Bodil Ideell")).check()
    office.check("coordinator-callout-form")
    callout.get_by_role("button", name="Skicka förfrågan").click()
    page.get_by_text("Förfrågan är skickad: 2 ideella har fått frågan.").wait_for()
    assert CallOut.objects.get().asks.count() == 2
    office.check("coordinator-callout-sent")

    # Beat and the worker send the two asks; Bodil reads hers on her phone.
    for notice in Notice.objects.filter(kind="callout_ask"):
        assert notice_send(notice_id=notice.pk) == NoticeStatus.SENT
    (message,) = [each for each in mail.outbox if each.to == [bodil.user.email]]
    assert message.subject == "Jourplan: ett pass behöver dig"
    assert message.body.startswith("Ett pass behöver dig: ")
    path = re.search(r"https?://[^/\s]+(/answer/[^/\s]+/)", message.body).group(1)

    hers = phone()  # not logged in: the link is the key
    page = hers.goto(path)
    page.get_by_role("heading", name=re.compile("^Ett pass behöver dig: ")).wait_for()
    take = page.get_by_role("button", name="Jag tar passet")
    assert_tap_target(take)
    assert_tap_target(page.get_by_role("button", name="Jag kan inte"))
    hers.check("volunteer-callout-ask")
    take.click()
    page.get_by_role("heading", name="Tack! Passet är ditt").wait_for()
    hers.check("volunteer-callout-taken")
    assert Assignment.objects.get(shift=gap, status=AssignmentStatus.CONFIRMED).member == bodil

    # The coordinator sees who took it; the call-out is filled, and Anna is told she need not answer.
    page = office.goto(reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": gap.pk}))
    page.locator("#callout").get_by_text("Tog passet").wait_for()
    assert Notice.objects.get(kind="callout_filled").recipient == anna
    office.check("coordinator-callout-filled")
