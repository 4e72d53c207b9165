"""Call-outs on a national line's shifts (issue 20 with issue 17): a coordinator of a shelter that takes part asks
her own volunteers let in on the line to take a gap; each takes it from her link under her shelter's rules; several
shelters may ask for the same shift, and what a coordinator sees of a call-out is her own shelter's: names never
cross a shelter border. Forged ids and shelters that do not take part are refused and change nothing."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Role
from notices.models import Notice
from shifts.callouts import CallOutError, answer_token, callout_answer, callout_close, callout_send
from shifts.models import (
    AskAnswer,
    Assignment,
    AssignmentStatus,
    CallOut,
    CallOutAsk,
    CallOutEnd,
    NationalParticipation,
    NationalVolunteer,
)
from shifts.national import national_organisation
from tests.conftest import log_in
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, OrganisationFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def url(name, organisation, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def link_of(ask) -> str:
    return reverse("callout_answer", kwargs={"token": answer_token(ask)})


@pytest.fixture
def line():
    return LineFactory(
        organisation=national_organisation(), name="Sommarchatt", kind="chat", min_volunteers=2, max_volunteers=2
    )


@pytest.fixture
def gap(line):
    """A shift in three days with nobody on it: two places free."""
    return ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3))


@pytest.fixture
def world(line, organisation, other_organisation, volunteer, other_shelter_coordinator):
    """Shelter A (`organisation`) and B take part; Vera of A and Ragnvi of B are let in; Alva of A is not."""
    now = timezone.now()
    for shelter in (organisation, other_organisation):
        NationalParticipation.objects.create(line=line, organisation=shelter, accepted_at=now)
    ragnvi = MemberFactory(organisation=other_organisation, first_name="Ragnvi", last_name="Zetterqvist")
    alva = MemberFactory(organisation=organisation, first_name="Alva", last_name="Utanför")
    NationalVolunteer.objects.create(line=line, member=volunteer)
    NationalVolunteer.objects.create(line=line, member=ragnvi)
    return {"vera": volunteer, "ragnvi": ragnvi, "alva": alva, "olga": other_shelter_coordinator}


def ask_mine(client, organisation, shift, **data):
    return client.post(url("callout_send", organisation, pk=shift.pk), {"everyone": "1", **data})


# -- she asks, her volunteer takes it ------------------------------------------------------------------------------


def test_she_asks_her_let_in_volunteer_who_takes_the_gap_from_her_link(
    coordinator_client, organisation, line, gap, world
):
    page = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    assert _("Ask my volunteers") in page
    assert url("callout_send", organisation, pk=gap.pk) in page

    response = ask_mine(coordinator_client, organisation, gap)
    assert response.status_code == 302
    assert response["Location"] == url("national_line", organisation, pk=line.pk) + f"#shift-{gap.pk}"
    ask = CallOutAsk.objects.get()
    assert ask.member == world["vera"]  # not Alva (not let in), not Ragnvi (another shelter)
    assert Notice.objects.filter(kind="callout_ask", recipient=world["vera"]).count() == 1

    page = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    counts = _("Call-out: %(asked)s of yours asked, %(answered)s answered, %(taken)s took it")
    assert counts % {"asked": 1, "answered": 0, "taken": 0} in page
    assert _("Close my call-out") in page

    her = Client()  # her link, without a login
    assert her.get(link_of(ask)).status_code == 200
    taken = her.post(link_of(ask), {"answer": "take"})
    assert taken.status_code == 200
    assert _("Thank you! The shift is yours") in text(taken)
    assert Assignment.objects.get(shift=gap).member == world["vera"]

    page = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    assert counts % {"asked": 1, "answered": 1, "taken": 1} in page
    assert _("Close my call-out") not in page


def test_an_admin_asks_too(admin_client_member, organisation, gap, world):
    assert ask_mine(admin_client_member, organisation, gap).status_code == 302
    assert list(CallOutAsk.objects.values_list("member", flat=True)) == [world["vera"].pk]


def test_a_full_shift_says_so_on_her_link(organisation, coordinator, gap, world):
    callout = callout_send(shift=gap, by=coordinator, members=[world["vera"]], places=1)
    ask = callout.asks.get()
    for _n in range(2):
        AssignmentFactory(shift=gap, member=MemberFactory(organisation=organisation))
    response = Client().post(link_of(ask), {"answer": "take"})
    assert _("The shift is already staffed – thank you!") in text(response)
    assert not Assignment.objects.filter(member=world["vera"]).exists()


def test_she_is_taken_off_the_line_before_answering(organisation, coordinator, line, gap, world):
    callout = callout_send(shift=gap, by=coordinator, members=[world["vera"]])
    NationalVolunteer.objects.filter(member=world["vera"]).delete()
    answer = callout_answer(ask=callout.asks.get(), take=True)
    assert answer.outcome == "refused"
    assert not Assignment.objects.filter(member=world["vera"]).exists()


# -- names never cross a shelter border ----------------------------------------------------------------------------


def test_two_shelters_ask_for_the_same_shift_and_see_only_their_own(
    client, coordinator_client, coordinator, organisation, other_organisation, line, gap, world
):
    ask_mine(coordinator_client, organisation, gap)
    olga = log_in(Client(), world["olga"])
    sent = olga.post(url("callout_send", other_organisation, pk=gap.pk), {"everyone": "1"}, follow=True)
    callout = CallOut.objects.get()  # one shared call-out for the shift
    assert set(callout.asks.values_list("member", flat=True)) == {world["vera"].pk, world["ragnvi"].pk}
    sent_words = ngettext(
        "The call-out is sent: %(count)d volunteer is asked.",
        "The call-out is sent: %(count)d volunteers are asked.",
        1,
    )
    assert sent_words % {"count": 1} in text(sent)

    vera = world["vera"]
    theirs = [
        text(sent),
        text(olga.get(url("national_line", other_organisation, pk=line.pk))),
        text(olga.get(url("national_list", other_organisation))),
    ]
    counts = _("Call-out: %(asked)s of yours asked, %(answered)s answered, %(taken)s took it")
    assert counts % {"asked": 1, "answered": 0, "taken": 0} in theirs[1]
    for shown in theirs:
        assert vera.first_name not in shown and vera.last_name not in shown
        assert coordinator.first_name not in shown and organisation.name not in shown
    mine = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    assert counts % {"asked": 1, "answered": 0, "taken": 0} in mine
    assert "Ragnvi" not in mine and "Zetterqvist" not in mine and other_organisation.name not in mine


def test_closing_her_part_leaves_the_other_shelters_asks_open(
    coordinator, organisation, other_organisation, line, gap, world
):
    shared = callout_send(shift=gap, by=coordinator, members=[world["vera"]])
    callout_send(shift=gap, by=world["olga"], members=[world["ragnvi"]])
    olga = log_in(Client(), world["olga"])
    page = text(olga.get(url("national_line", other_organisation, pk=line.pk)))
    assert url("callout_close", other_organisation, pk=shared.pk) in page
    response = olga.post(url("callout_close", other_organisation, pk=shared.pk), follow=True)
    assert response.status_code == 200
    assert "Vera" not in text(response)

    shared.refresh_from_db()
    assert shared.closed_at is None  # Vera may still take it
    ragnvi_ask = CallOutAsk.objects.get(member=world["ragnvi"])
    assert ragnvi_ask.callout.ended == CallOutEnd.CLOSED and ragnvi_ask.callout_id != shared.pk
    assert CallOutAsk.objects.get(member=world["vera"]).callout_id == shared.pk
    told = Notice.objects.filter(kind="callout_filled")
    assert [notice.recipient for notice in told] == [world["ragnvi"]]

    assert callout_answer(ask=ragnvi_ask, take=True).outcome == "closed"
    vera_ask = CallOutAsk.objects.get(member=world["vera"])
    assert callout_answer(ask=vera_ask, take=True).outcome == "taken"
    assert Assignment.objects.filter(shift=gap, member=world["vera"]).exists()
    # Her shelter's own part shows on its page, Olga's (now ended) no longer offers to close.
    page = text(olga.get(url("national_line", other_organisation, pk=line.pk)))
    assert _("Close my call-out") not in page


def test_a_filled_shift_ends_the_call_out_for_every_shelter(coordinator, gap, world):
    callout = callout_send(shift=gap, by=coordinator, members=[world["vera"]], places=2)
    callout_send(shift=gap, by=world["olga"], members=[world["ragnvi"]])
    AssignmentFactory(shift=gap, member=MemberFactory(organisation=coordinator.organisation))
    vera_ask = CallOutAsk.objects.get(member=world["vera"])
    assert callout_answer(ask=vera_ask, take=True).outcome == "taken"  # the second place: the shift is full
    callout.refresh_from_db()
    ragnvi_ask = CallOutAsk.objects.get(member=world["ragnvi"])
    assert callout_answer(ask=ragnvi_ask, take=True).outcome == "filled"
    callout.refresh_from_db()
    assert callout.ended == CallOutEnd.FILLED


def test_the_last_shelter_closing_ends_the_call_out(coordinator, gap, world):
    callout = callout_send(shift=gap, by=coordinator, members=[world["vera"]])
    assert callout_close(callout=callout, by=coordinator) == 1
    callout.refresh_from_db()
    assert callout.ended == CallOutEnd.CLOSED and CallOut.objects.count() == 1


def test_she_cannot_close_a_call_out_her_shelter_asks_nobody_in(coordinator, other_organisation, gap, world):
    callout = callout_send(shift=gap, by=world["olga"], members=[world["ragnvi"]])
    with pytest.raises(CallOutError):
        callout_close(callout=callout, by=coordinator)
    coordinator_client = log_in(Client(), coordinator)
    response = coordinator_client.post(url("callout_close", coordinator.organisation, pk=callout.pk))
    assert response.status_code == 404
    callout.refresh_from_db()
    assert callout.closed_at is None and CallOutAsk.objects.get().answer == ""


# -- refused ---------------------------------------------------------------------------------------------------------


def test_forged_ids_are_refused_and_change_nothing(coordinator_client, coordinator, organisation, gap, world):
    for forged in (world["ragnvi"].pk, world["olga"].pk, 10**9, "x"):
        response = coordinator_client.post(
            url("callout_send", organisation, pk=gap.pk), {"member": [forged]}, follow=True
        )
        page = text(response)
        assert (
            _("Only current members of this shelter can be asked.") in page
            or _("Choose whom to ask, or ask everyone who may take the shift.") in page
        )
        assert "Ragnvi" not in page
    response = coordinator_client.post(
        url("callout_send", organisation, pk=gap.pk), {"member": [world["alva"].pk]}, follow=True
    )
    assert _("Only volunteers of your shelter who are let in on this national line can be asked.") in text(response)
    with pytest.raises(CallOutError):
        callout_send(shift=gap, by=coordinator, members=[world["ragnvi"]])
    with pytest.raises(CallOutError):
        callout_send(shift=gap, by=coordinator, members=[world["vera"], world["ragnvi"]])
    assert not CallOut.objects.exists() and not CallOutAsk.objects.exists() and not Notice.objects.exists()


def test_a_shelter_that_does_not_take_part_is_refused(client, organisation, line, gap, world):
    invited = OrganisationFactory(name="Kvinnojouren Inbjuden", slug="inbjuden")
    NationalParticipation.objects.create(line=line, organisation=invited)  # invited, not accepted
    outside = OrganisationFactory(name="Kvinnojouren Utanför", slug="utanfor")
    callout = callout_send(shift=gap, by=MemberFactory(organisation=organisation, role=Role.COORDINATOR))
    for shelter in (invited, outside):
        stranger = MemberFactory(organisation=shelter, role=Role.COORDINATOR)
        NationalVolunteer.objects.create(line=line, member=MemberFactory(organisation=shelter))
        browser = log_in(Client(), stranger)
        assert browser.post(url("callout_send", shelter, pk=gap.pk), {"everyone": "1"}).status_code == 404
        assert browser.post(url("callout_close", shelter, pk=callout.pk)).status_code == 404
        with pytest.raises(CallOutError):
            callout_send(shift=gap, by=stranger)
        with pytest.raises(CallOutError):
            callout_close(callout=callout, by=stranger)
    callout.refresh_from_db()
    assert callout.closed_at is None and list(callout.asks.values_list("member", flat=True)) == [world["vera"].pk]


def test_a_volunteer_cannot_send_one(organisation, gap, world):
    browser = log_in(Client(), world["vera"])
    assert browser.post(url("callout_send", organisation, pk=gap.pk), {"everyone": "1"}).status_code in (403, 404)
    assert not CallOut.objects.exists()


def test_a_full_or_well_staffed_shift_offers_no_ask(coordinator_client, organisation, line, gap, world):
    for _n in range(2):
        AssignmentFactory(shift=gap, member=MemberFactory(organisation=organisation))
    page = text(coordinator_client.get(url("national_line", organisation, pk=line.pk)))
    assert _("Ask my volunteers") not in page
    response = ask_mine(coordinator_client, organisation, gap)
    assert response.status_code == 302
    assert not CallOut.objects.exists()


# -- query counts ----------------------------------------------------------------------------------------------------


def _grow(organisation, other, line, size: int) -> None:
    """`size` more gaps, each asked for by both shelters, `size` let-in volunteers each."""
    now = timezone.now()
    ours = [MemberFactory(organisation=organisation) for _n in range(size)]
    theirs = [MemberFactory(organisation=other) for _n in range(size)]
    by_us = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    by_them = MemberFactory(organisation=other, role=Role.COORDINATOR)
    for member in ours + theirs:
        NationalVolunteer.objects.create(line=line, member=member)
    for day in range(size):
        shift = ShiftFactory(line=line, starts_at=now + timedelta(days=day + 1, hours=size))
        AssignmentFactory(shift=shift, member=MemberFactory(organisation=other), status=AssignmentStatus.CONFIRMED)
        callout = callout_send(shift=shift, by=by_us, members=ours)
        callout_send(shift=shift, by=by_them, members=theirs)
        CallOutAsk.objects.filter(callout=callout, member=ours[0]).update(answer=AskAnswer.DECLINED)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_line_page_costs_the_same_whatever_the_call_outs(
    coordinator_client, organisation, other_organisation, line, world, django_assert_max_num_queries
):
    _grow(organisation, other_organisation, line, 1)
    path = url("national_line", organisation, pk=line.pk)
    small = _queries(coordinator_client, path)
    _grow(organisation, other_organisation, line, 5)
    with django_assert_max_num_queries(small):
        response = coordinator_client.get(path)
    assert len(response.context["rows"]) == 6
    assert re.search(r"Ask my volunteers|Fråga mina ideella", text(response))
    assert small <= 15, small
