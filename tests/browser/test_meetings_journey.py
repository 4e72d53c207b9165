"""Issue 19 point 4, meetings: a volunteer signs up for a member meeting on her phone (360 px) and sees how she stands
against what the shelter expects; a coordinator on her phone sees who is behind (start page panel, the list, the
member page), records attendance and opens the annual meeting's voting list, which also prints. Every page passes
the harness's checks (axe, no sideways scroll, weight). Selectors use ids, not sentences: the Swedish texts arrive
with the next catalogue merge."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from members.models import Payment, Role
from tests.factories import MemberFactory
from tests.trainings.meetings import attended, meeting_kind, meeting_session
from trainings.models import CoursePurpose, SessionSignup, TrainingRecord


def url(name, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"organisation": organisation.slug, **kwargs})


def test_meetings_on_phones(phone, organisation):
    coordinator = MemberFactory(
        organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia", member_since=date(2020, 1, 1)
    )
    vera = MemberFactory(organisation=organisation, first_name="Vera", member_since=date(2020, 1, 1))
    MemberFactory(organisation=organisation, first_name="Nyss", user=None, member_since=timezone.localdate())
    supervision = meeting_kind(organisation, name="Handledning", count=1, months=3)
    member_meeting = meeting_kind(
        organisation, purpose=CoursePurpose.MEMBER_MEETING, name="Medlemsmöte", count=1, months=6
    )
    annual = meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING, name="Årsmöte", voting_member_months=6)
    attended(coordinator, supervision, timezone.localdate() - timedelta(days=10))
    upcoming = meeting_session(member_meeting, days=10)
    started = meeting_session(supervision, starts_at=timezone.now() - timedelta(hours=1))
    annual_session = meeting_session(annual, days=40)
    year = timezone.localtime(annual_session.starts_at, organisation.zone).year
    Payment.objects.create(
        organisation=organisation, member=vera, year=year, amount=Decimal("200"), paid_on=timezone.localdate()
    )

    hers = phone(vera)
    page = hers.goto(url("trainings:meetings_mine", organisation))
    page.locator("[data-testid=my-expectations]").wait_for()
    hers.check("volunteer-meetings")
    page.locator(f"form[action='{url('trainings:meeting_join', organisation, pk=upcoming.pk)}'] button").click()
    page.locator(f"form[action='{url('trainings:meeting_leave', organisation, pk=upcoming.pk)}']").wait_for()
    assert SessionSignup.objects.filter(session=upcoming, member=vera).exists()
    hers.check("volunteer-meetings-signed-up")

    office = phone(coordinator)
    page = office.goto(url("members:portal", organisation))
    page.locator("#panel-meetings-behind").wait_for()
    office.check("coordinator-start-meetings-behind")
    page = office.goto(url("trainings:meetings_behind", organisation))
    page.locator(f"[data-member='{vera.pk}']").wait_for()
    office.check("coordinator-meetings-behind")
    page = office.goto(url("members:member_detail", organisation, pk=vera.pk))
    page.locator("#member-panel-meetings").wait_for()
    office.check("coordinator-member-meetings")
    page = office.goto(url("trainings:meeting_sessions", organisation))
    office.check("coordinator-meeting-sessions")
    page = office.goto(url("trainings:meeting_kind_edit", organisation, pk=annual.pk))
    office.check("coordinator-meeting-kind")
    page = office.goto(url("trainings:meeting_attendance", organisation, pk=started.pk))
    page.locator("main details summary").click()  # she came without signing up
    page.locator(f"input[name=attended][value='{vera.pk}']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert TrainingRecord.objects.filter(session=started, member=vera).exists()
    office.check("coordinator-meeting-attendance")
    page = office.goto(url("trainings:voting_list", organisation, pk=annual_session.pk))
    page.locator(f"[data-member='{vera.pk}'][data-may-vote=yes]").wait_for()
    office.check("coordinator-voting-list")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert page.locator("[data-testid=voting-table]").is_visible()
