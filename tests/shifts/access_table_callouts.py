"""Who may use the call-out URLs (issue 17): coordinators and admins of the shift's shelter send and close call-outs
(an empty send and a close both answer with a redirect to the shift page); her answer link is outside any shelter
and needs no login: the signed token is the key, whoever opens it."""

from datetime import timedelta

from django.utils import timezone

from shifts.callouts import answer_token, callout_send
from tests.access import OK, Rule, coordinator_page
from tests.factories import LineFactory, ShiftFactory

FOUND = 302


def populate(world) -> None:
    line = LineFactory(organisation=world.organisation, min_volunteers=2, max_volunteers=2)
    world.callout_shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3))
    world.callout = callout_send(shift=world.callout_shift, by=world.coordinator, members=[world.volunteer])
    world.callout_token = answer_token(world.callout.asks.get())


ACCESS = {
    "shifts:callout_send": coordinator_page(
        method="post", kwargs=lambda w: {"pk": w.callout_shift.pk}, coordinator=FOUND, admin=FOUND
    ),
    "shifts:callout_close": coordinator_page(
        method="post", kwargs=lambda w: {"pk": w.callout.pk}, coordinator=FOUND, admin=FOUND
    ),
    "callout_answer": Rule(
        anonymous=OK,
        volunteer=OK,
        coordinator=OK,
        admin=OK,
        other_shelter=OK,
        kwargs=lambda w: {"token": w.callout_token},
    ),
}
