"""The coordinator's start page: what needs her this week, each panel counting it and linking to its page; a
volunteer's start page stays her own (her next shifts), and no shelter ever sees another's numbers."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import MemberStatus, Role
from members.panels import PANEL_ROWS, start_page_panels
from notices import outbox
from notices.models import Notice, NoticeStatus
from shifts.models import RotaChange
from tests.conftest import log_in
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    TrainingRecordFactory,
)
from trainings.models import add_months

pytestmark = pytest.mark.django_db

# The meetings panel shows only when the shelter expects meetings (tests/trainings/test_meetings_pages.py).
PANELS = ("gaps", "callouts", "unpublished", "expiring", "failed-notices", "onboarding", "time-waiting")


def portal_url(organisation):
    return reverse("members:portal", kwargs={"organisation": organisation.slug})


def add_work(organisation, count: int, *, prefix: str = "Väntande") -> None:
    """`count` of everything a coordinator's panels count, plus things just outside each panel."""
    now = timezone.now()
    today = timezone.localdate()
    line = LineFactory(organisation=organisation, name=f"Telefon {prefix} {count}", min_volunteers=2, max_volunteers=2)
    volunteer = MemberFactory(organisation=organisation, first_name=f"{prefix}Ideell")
    course = CourseFactory(organisation=organisation, name=f"Kurs {prefix} {count}", validity_months=12)
    for i in range(count):
        # A gap this week: one of two places taken.
        gap = ShiftFactory(line=line, starts_at=now + timedelta(days=1, hours=i))
        AssignmentFactory(shift=gap, member=volunteer, created_at=now)
        RotaChange.objects.create(shift=gap, member=volunteer, kind="added", created_at=now)
        # A training that expires in 30 days and one that expires in 90 (not yet a worry).
        member = MemberFactory(organisation=organisation, first_name=f"{prefix}Utbildad{i}")
        TrainingRecordFactory(member=member, course=course, completed_on=add_months(today, -12) + timedelta(days=30))
        notice = outbox.notice_plan(recipient=member, kind="invitation", variant=f"start-page-{prefix}-{count}-{i}")
        assert notice is not None
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED)
        MemberFactory(organisation=organisation, first_name=f"{prefix}Intresserad{i}", status=MemberStatus.PROSPECTIVE)
    later = MemberFactory(organisation=organisation, first_name=f"{prefix}Senare")
    TrainingRecordFactory(member=later, course=course, completed_on=add_months(today, -12) + timedelta(days=90))
    # Outside the panels: a gap in ten days, a cancelled shift, a published change, a notice waiting to be sent,
    # a member who left.
    far = ShiftFactory(line=line, starts_at=now + timedelta(days=10))
    ShiftFactory(line=line, starts_at=now + timedelta(days=2), cancelled_at=now)
    RotaChange.objects.create(shift=far, member=volunteer, kind="removed", created_at=now, published_at=now)
    outbox.notice_plan(recipient=later, kind="invitation", variant=f"start-page-pending-{prefix}-{count}")
    MemberFactory(organisation=organisation, first_name=f"{prefix}Avslutad", status=MemberStatus.LEFT)


class _Panels(HTMLParser):
    """The start page's panels: key → the text and the links (href, text) inside each."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.panels: dict[str, dict] = {}
        self._panel: str | None = None
        self._depth = 0
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and (attributes.get("id") or "").startswith("panel-"):
            self._panel = (attributes["id"] or "")[len("panel-") :]
            self.panels[self._panel] = {"text": "", "links": []}
            self._depth = 0
        elif self._panel and tag == "section":
            self._depth += 1
        if self._panel and tag == "a":
            self._href = attributes.get("href")
            self.panels[self._panel]["links"].append([self._href, ""])

    def handle_endtag(self, tag):
        if self._panel and tag == "section":
            if self._depth == 0:
                self._panel = None
            else:
                self._depth -= 1
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._panel:
            self.panels[self._panel]["text"] += data
            if self._href is not None:
                self.panels[self._panel]["links"][-1][1] += data.strip()


def panels_on(page: str) -> dict[str, dict]:
    parser = _Panels()
    parser.feed(page)
    for panel in parser.panels.values():
        panel["text"] = " ".join(panel["text"].split())
    return parser.panels


def test_coordinator_sees_what_needs_her_counted_with_links_to_each_page(
    client, organisation, other_organisation, coordinator
):
    add_work(organisation, 2)
    add_work(other_organisation, 3, prefix="Annan")
    page = log_in(client, coordinator).get(portal_url(organisation)).content.decode()
    panels = panels_on(page)
    assert list(panels) == list(PANELS)
    slug = organisation.slug

    gaps = panels["gaps"]
    assert "Luckor denna vecka" in gaps["text"]
    assert "2 pass de kommande 7 dagarna har färre än minsta antal." in gaps["text"]
    assert gaps["text"].count("Saknar 1") == 2
    assert gaps["links"][-1] == [f"/{slug}/rota/gaps/?weeks=1", "Se luckorna"]
    assert all(re.fullmatch(rf"/{slug}/rota/shifts/\d+/", href) for href, _ in gaps["links"][:-1])

    unpublished = panels["unpublished"]
    assert "2 ändringar i schemat är inte publicerade än." in unpublished["text"]
    assert unpublished["links"] == [[f"/{slug}/rota/", "Öppna schemat"]]

    expiring = panels["expiring"]
    assert "2 utbildningar går ut inom 60 dagar." in expiring["text"]
    assert "VäntandeUtbildad0" in expiring["text"] and "VäntandeSenare" not in expiring["text"]
    assert expiring["links"][-1] == [
        reverse("trainings:matrix", kwargs={"organisation": slug}),
        "Öppna utbildnings\u00admatrisen",  # a soft hyphen: at 200 % zoom it breaks there
    ]

    failed = panels["failed-notices"]
    assert "2 meddelanden kunde inte skickas." in failed["text"]
    assert failed["links"] == [[f"/{slug}/notices/", "Se meddelandena"]]

    onboarding = panels["onboarding"]
    assert "2 intresserade är på väg in." in onboarding["text"]
    assert "VäntandeIntresserad0" in onboarding["text"] and "Intervju saknas" in onboarding["text"]
    # The panel is memberpath.panels.path_waiting (settings.START_PAGE_PANELS): its link leads to the path's board.
    assert onboarding["links"][-1][0] == reverse("memberpath:board", kwargs={"organisation": slug})

    # Another shelter's people, shifts and notices never show (its three of each would make the counts 5).
    assert "Annan" not in page


def test_each_panel_shows_at_most_five_rows_and_the_full_count(client, organisation, coordinator):
    add_work(organisation, PANEL_ROWS + 2)
    panels = panels_on(log_in(client, coordinator).get(portal_url(organisation)).content.decode())
    assert f"{PANEL_ROWS + 2} pass de kommande 7 dagarna" in panels["gaps"]["text"]
    for key in ("gaps", "expiring", "onboarding"):
        assert len(panels[key]["links"]) == PANEL_ROWS + 1, key  # five rows and the link to the page


def test_a_quiet_week_says_so_in_words(client, organisation, coordinator):
    panels = panels_on(log_in(client, coordinator).get(portal_url(organisation)).content.decode())
    assert "Inga luckor de kommande 7 dagarna." in panels["gaps"]["text"]
    assert "Alla ändringar i schemat är publicerade." in panels["unpublished"]["text"]
    assert "Ingen utbildning går ut inom 60 dagar." in panels["expiring"]["text"]
    assert "Alla meddelanden kunde skickas." in panels["failed-notices"]["text"]
    assert "Ingen väntar i introduktionen." in panels["onboarding"]["text"]


def test_a_volunteer_sees_her_own_start_page_and_nothing_of_the_coordinators(client, organisation, volunteer):
    add_work(organisation, 2)
    page = log_in(client, volunteer).get(portal_url(organisation)).content.decode()
    assert panels_on(page) == {}
    assert "Samordning" not in page and "Luckor" not in page and "VäntandeIntresserad0" not in page
    assert "Mina nästa pass" in page


def test_a_coordinator_sees_her_own_next_shifts_too(client, organisation, coordinator):
    page = log_in(client, coordinator).get(portal_url(organisation)).content.decode()
    assert "Mina nästa pass" in page and "Samordning" in page


def test_an_admin_sees_the_panels_too(client, organisation):
    admin = MemberFactory(organisation=organisation, role=Role.ADMIN)
    assert list(panels_on(log_in(client, admin).get(portal_url(organisation)).content.decode())) == list(PANELS)


@pytest.mark.parametrize("count", [1, 8])
def test_the_panels_read_twelve_queries_whatever_the_data(organisation, coordinator, count, django_assert_num_queries):
    add_work(organisation, count)
    # Ten for the six panels here, one for "does the shelter expect meetings?" (none), one for the volunteer time
    # waiting (none).
    with django_assert_num_queries(12):
        panels = start_page_panels(organisation, coordinator, timezone.now())
    # The call-outs panel (tests/shifts/test_callouts.py counts its own) has none here.
    assert [panel.count for panel in panels] == [count, 0, count, count, count, count, 0]


def test_a_volunteers_start_page_reads_no_panel_query(organisation, volunteer, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert start_page_panels(organisation, volunteer, timezone.now()) == []


def test_the_start_page_reads_the_same_number_of_queries_at_two_sizes(
    client, organisation, coordinator, django_assert_num_queries
):
    log_in(client, coordinator)
    add_work(organisation, 1)
    client.get(portal_url(organisation))  # warm: the session and the content types
    with CaptureQueriesContext(connection) as small:
        client.get(portal_url(organisation))
    add_work(organisation, 20, prefix="Fler")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(portal_url(organisation))
    assert "21 pass de kommande 7 dagarna" in response.content.decode()
