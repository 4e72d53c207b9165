"""Call-outs (issue 17): a coordinator asks chosen volunteers (or everyone who may take it) to fill a gap with one
discreet message each; a volunteer answers from her link without logging in; the first to accept get the places
through the sign-up service, the rest are told; expired, reused and forged links get a clear page and change
nothing; the coordinator sees who was asked, who opened and who answered, on the shift page and her start page."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members.gdpr import member_erase, member_export
from members.models import MemberStatus, Role
from members.panels import PANEL_ROWS
from notices.models import Notice, NoticeStatus
from notices.outbox import notice_send
from shifts import panels
from shifts.callouts import (
    MAX_ASKED,
    SALT,
    CallOutError,
    Outcome,
    answer_token,
    callout_answer,
    callout_close,
    callout_send,
)
from shifts.models import AskAnswer, Assignment, AssignmentStatus, CallOut, CallOutAsk, CallOutEnd
from shifts.notices import CallOutAsked, CallOutFilled
from shifts.services import shift_sign_up
from tests.concurrency import race, require_postgres
from tests.conftest import log_in
from tests.factories import AbsenceFactory, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/answer/[^/\s]+/)")


def next_thursday():
    today = timezone.localdate()
    return today + timedelta(days=(3 - today.weekday()) % 7 or 7)


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=3)


@pytest.fixture
def gap(line):
    """Thursday 20:00–23:00 in the coming week: nobody on it yet, two missing."""
    return ShiftFactory(line=line, local_start=datetime.combine(next_thursday(), time(20)))


def volunteers(organisation, *names):
    return [MemberFactory(organisation=organisation, first_name=name, last_name="Ideell") for name in names]


def link_of(ask) -> str:
    return reverse("callout_answer", kwargs={"token": answer_token(ask)})


def send_all_due() -> list:
    """Send every due notice through the outbox (as beat and the worker would); the notices, refreshed."""
    due = list(Notice.objects.filter(status=NoticeStatus.PENDING).order_by("pk"))
    for notice in due:
        notice_send(notice_id=notice.pk)
    return [Notice.objects.get(pk=notice.pk) for notice in due]


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# -- the whole flow ---------------------------------------------------------------------------------------------


def test_the_first_to_accept_from_her_mail_gets_the_place_and_the_others_are_told(
    organisation, coordinator, line, mailoutbox
):
    gap = ShiftFactory(line=line, min_volunteers=1, local_start=datetime.combine(next_thursday(), time(20)))
    anna, bodil, cissi = volunteers(organisation, "Anna", "Bodil", "Cissi")
    callout = callout_send(shift=gap, by=coordinator, members=[anna, bodil, cissi])
    assert callout.places == 1
    # Planned in the call-out's own transaction: one ask each, sent once.
    assert Notice.objects.filter(kind="callout_ask").count() == 3
    assert {notice.status for notice in send_all_due()} == {NoticeStatus.SENT}
    assert send_all_due() == []
    mails = {mail.to[0]: mail for mail in mailoutbox}
    assert len(mails) == 3

    # Bodil opens her mail's link on her phone, without logging in, and takes the shift in one tap.
    phone = Client()
    path = LINK.search(mails[bodil.user.email].body).group(1)
    page = phone.get(path)
    assert page.status_code == 200
    assert "Ett pass behöver dig: torsdag" in text_of(page) and "20:00–23:00" in text_of(page)
    taken = phone.post(path, {"answer": "take"})
    assert "Tack! Passet är ditt" in text_of(taken)
    assert Assignment.objects.get(shift=gap, status=AssignmentStatus.CONFIRMED).member == bodil

    callout.refresh_from_db()
    assert callout.ended == CallOutEnd.FILLED and callout.closed_at is not None
    told = Notice.objects.filter(kind="callout_filled")
    assert sorted(notice.recipient.first_name for notice in told) == ["Anna", "Cissi"]
    send_all_due()
    assert mailoutbox[-1].subject == "Jourplan: du behöver inte svara"

    # Anna's link now says it is filled; Bodil's, opened again, that she has answered. Nothing changes.
    anna_path = LINK.search(mails[anna.user.email].body).group(1)
    assert "Passet är redan bemannat – tack!" in text_of(Client().get(anna_path))
    assert "Passet är redan bemannat – tack!" in text_of(Client().post(anna_path, {"answer": "take"}))
    assert "Du har redan svarat" in text_of(phone.get(path))
    assert "Du har redan svarat" in text_of(phone.post(path, {"answer": "decline"}))
    assert Assignment.objects.filter(shift=gap).count() == 1
    assert CallOutAsk.objects.get(member=bodil).answer == AskAnswer.TAKEN


def test_the_ask_is_discreet_and_in_her_language(organisation, coordinator, gap):
    nora, other = volunteers(organisation, "Nora", "Olivia")
    nora.language = "sv"
    nora.save()
    callout_send(shift=gap, by=coordinator, members=[nora, other])
    notice = Notice.objects.get(kind="callout_ask", recipient=nora)
    message = CallOutAsked().render(notice)
    assert message.subject == "Jourplan: ett pass behöver dig"
    assert message.text.startswith("Ett pass behöver dig: tors 20–23. Svara i Jourplan.")
    assert message.sms.startswith("Ett pass behöver dig: tors 20–23. Svara i Jourplan. http")
    path = LINK.search(message.text).group(1)
    assert LINK.search(message.sms).group(1) == path
    everything = message.subject + message.text + message.sms
    for secret in (organisation.name, organisation.slug, gap.line.name, coordinator.first_name, "Olivia", "Nora"):
        assert secret not in everything, secret
    with translation.override("en"):
        english = CallOutAsked().render(notice)
    assert english.subject == "Jourplan: a shift needs you"
    assert english.text.startswith("A shift needs you: Thu 20–23. Answer in Jourplan.")


def test_a_shift_further_ahead_carries_its_date_in_the_ask(organisation, coordinator, line):
    later = ShiftFactory(line=line, local_start=datetime.combine(next_thursday() + timedelta(days=7), time(20, 30)))
    (nora,) = volunteers(organisation, "Nora")
    callout_send(shift=later, by=coordinator, members=[nora])
    message = CallOutAsked().render(Notice.objects.get(kind="callout_ask"))
    day = next_thursday() + timedelta(days=7)
    assert message.text.startswith(f"Ett pass behöver dig: tors {day.day} dec 20:30–23:30. Svara i Jourplan.")


def test_those_not_answered_are_told_discreetly_when_it_is_filled_or_closed(organisation, coordinator, gap):
    anna, bodil = volunteers(organisation, "Anna", "Bodil")
    callout = callout_send(shift=gap, by=coordinator, members=[anna, bodil])
    send_all_due()
    assert callout_close(callout=callout, by=coordinator) == 2
    notice = Notice.objects.get(kind="callout_filled", recipient=anna)
    message = CallOutFilled().render(notice)
    assert message.subject == "Jourplan: du behöver inte svara"
    assert message.text.strip() == "Förfrågan om passet tors 20–23 är stängd. Du behöver inte svara."
    for secret in (organisation.name, gap.line.name, "Bodil", coordinator.first_name):
        assert secret not in message.subject + message.text + message.sms
    notice.variant = CallOutEnd.FILLED
    assert CallOutFilled().render(notice).text.strip() == (
        "Passet tors 20–23 är bemannat nu – tack! Du behöver inte svara på förfrågan."
    )


def test_someone_whose_ask_never_went_out_is_not_told_it_is_filled(organisation, coordinator, gap):
    (anna,) = volunteers(organisation, "Anna")
    callout = callout_send(shift=gap, by=coordinator, members=[anna])
    callout_close(callout=callout, by=coordinator)
    statuses = {notice.kind: notice.status for notice in send_all_due()}
    assert statuses == {"callout_ask": NoticeStatus.DROPPED, "callout_filled": NoticeStatus.DROPPED}


def test_the_call_out_and_its_asks_are_planned_together_or_not_at_all(organisation, coordinator, gap, monkeypatch):
    (anna,) = volunteers(organisation, "Anna")

    def broken(rows):
        list(rows)
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr("shifts.callouts.notice_plan_many", broken)
    with pytest.raises(RuntimeError):
        callout_send(shift=gap, by=coordinator, members=[anna])
    assert not CallOut.objects.exists() and not CallOutAsk.objects.exists()


def test_an_ask_to_someone_who_has_since_left_is_not_sent(organisation, coordinator, gap):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    anna.status = MemberStatus.PAUSED
    anna.save()
    assert [notice.status for notice in send_all_due()] == [NoticeStatus.DROPPED]


# -- her link -------------------------------------------------------------------------------------------------


def test_opening_the_link_records_the_first_opening_and_changes_nothing_else(organisation, coordinator, gap):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    ask = CallOutAsk.objects.get()
    Client().get(link_of(ask))
    ask.refresh_from_db()
    first = ask.opened_at
    assert first is not None and not ask.answer
    Client().get(link_of(ask))
    Client().post(link_of(ask), {"answer": "maybe"})  # neither button: nothing happens
    ask.refresh_from_db()
    assert ask.opened_at == first and not ask.answer
    assert not Assignment.objects.exists()


def test_the_page_says_nothing_about_the_shelter_or_the_line(organisation, coordinator, gap):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    response = Client().get(link_of(CallOutAsk.objects.get()))
    page = response.content.decode()
    assert organisation.name not in page and f"/{organisation.slug}/" not in page and gap.line.name not in page
    assert "Jag tar passet" in page and "Jag kan inte" in page
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_she_declines_and_the_link_then_says_she_has_answered(organisation, coordinator, gap):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    path = link_of(CallOutAsk.objects.get())
    assert "Tack för svaret" in text_of(Client().post(path, {"answer": "decline"}))
    again = text_of(Client().post(path, {"answer": "take"}))
    assert "Du har redan svarat" in again and "Du svarade att du inte kan ta passet" in again
    assert not Assignment.objects.exists()
    assert CallOutAsk.objects.get().answer == AskAnswer.DECLINED


def test_an_expired_link_says_the_shift_has_started_and_changes_nothing(organisation, coordinator, line):
    now = timezone.now()
    started = ShiftFactory(line=line, starts_at=now - timedelta(minutes=30))
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=started, by=coordinator, members=[anna], now=now - timedelta(hours=5))
    path = link_of(CallOutAsk.objects.get())
    assert "Passet har redan börjat" in text_of(Client().get(path))
    assert "Passet har redan börjat" in text_of(Client().post(path, {"answer": "take"}))
    assert not Assignment.objects.exists() and not CallOutAsk.objects.get().answer


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature altered
        lambda token: "nonsense",
        lambda token: signing.Signer(salt="another.salt").sign(token.rsplit(":", 1)[0]),  # signed for something else
        lambda token: signing.Signer(salt=SALT).sign(token.rsplit(":", 1)[0].split(".")[0] + ".wrongkey"),
    ],
)
def test_a_forged_link_gets_a_clear_page_and_changes_nothing(organisation, coordinator, gap, tamper):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    token = tamper(answer_token(CallOutAsk.objects.get()))
    path = reverse("callout_answer", kwargs={"token": token})
    for response in (Client().get(path), Client().post(path, {"answer": "take"})):
        assert response.status_code == 404
        assert "Länken fungerar inte" in text_of(response)
    assert not Assignment.objects.exists() and CallOutAsk.objects.get().opened_at is None


def test_the_link_of_one_ask_answers_that_ask_only(organisation, coordinator, gap, line):
    anna, bodil = volunteers(organisation, "Anna", "Bodil")
    callout_send(shift=gap, by=coordinator, members=[anna])
    other_gap = ShiftFactory(line=line, starts_at=gap.starts_at + timedelta(days=1))
    callout_send(shift=other_gap, by=coordinator, members=[bodil])
    annas = CallOutAsk.objects.get(member=anna)
    Client().post(link_of(annas), {"answer": "take"})
    assert [a.shift for a in Assignment.objects.all()] == [gap]
    assert [a.member for a in Assignment.objects.all()] == [anna]
    assert not CallOutAsk.objects.get(member=bodil).answer


def test_someone_who_has_since_become_ineligible_is_refused_with_the_reason(
    organisation, coordinator, coordinator_client, gap
):
    (anna,) = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=[anna])
    AbsenceFactory(member=anna, starts_on=next_thursday(), ends_on=next_thursday())
    response = Client().post(link_of(CallOutAsk.objects.get()), {"answer": "take"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Du kan inte ta passet" in page and "Du har markerat att du är borta då." in page
    assert not Assignment.objects.exists()
    ask = CallOutAsk.objects.get()
    assert ask.refused_at is not None and not ask.answer
    shift_page = text_of(coordinator_client.get(shift_url(gap)))
    assert "Försökte men fick nej" in shift_page and "Hon är borta då." in shift_page


def test_a_shift_filled_another_way_reads_as_staffed_on_her_link(organisation, coordinator, line):
    gap = ShiftFactory(line=line, max_volunteers=2, starts_at=timezone.now() + timedelta(days=2))
    anna, bodil, cissi = volunteers(organisation, "Anna", "Bodil", "Cissi")
    callout_send(shift=gap, by=coordinator, members=[anna, bodil])
    shift_sign_up(shift=gap, member=cissi)
    shift_sign_up(shift=gap, member=MemberFactory(organisation=organisation))
    path = link_of(CallOutAsk.objects.get(member=anna))
    assert "Passet är redan bemannat – tack!" in text_of(Client().get(path))
    assert "Passet är redan bemannat – tack!" in text_of(Client().post(path, {"answer": "take"}))
    assert CallOut.objects.get().ended == CallOutEnd.FILLED  # nothing left to ask for: Bodil is told
    assert [n.recipient for n in Notice.objects.filter(kind="callout_filled")] == [bodil]


# -- what a call-out asks, and whom -------------------------------------------------------------------------


def test_a_call_out_asks_for_the_missing_places_and_at_most_the_free_ones(organisation, coordinator, gap):
    anna, bodil = volunteers(organisation, "Anna", "Bodil")
    with pytest.raises(CallOutError, match="3 lediga platser"):
        callout_send(shift=gap, by=coordinator, members=[anna], places=4)
    assert callout_send(shift=gap, by=coordinator, members=[anna]).places == 2  # min 2 − 0 confirmed


def test_a_staffed_shift_with_a_free_place_asks_for_one(organisation, coordinator, gap):
    AssignmentFactory(shift=gap)
    AssignmentFactory(shift=gap)
    (anna,) = volunteers(organisation, "Anna")
    assert callout_send(shift=gap, by=coordinator, members=[anna]).places == 1


def test_everyone_who_may_take_it_is_asked_and_nobody_else(organisation, coordinator, gap, other_organisation):
    anna, bodil, away, left = volunteers(organisation, "Anna", "Bodil", "Borta", "Slutat")
    AbsenceFactory(member=away, starts_on=next_thursday(), ends_on=next_thursday())
    left.status = MemberStatus.LEFT
    left.save()
    MemberFactory(organisation=other_organisation, first_name="Annan")
    callout = callout_send(shift=gap, by=coordinator, members=None)
    asked = sorted(ask.member.first_name for ask in callout.asks.all())
    assert asked == ["Anna", "Bodil"]


def test_only_those_who_may_take_it_in_her_shelter_can_be_asked(organisation, coordinator, gap, other_organisation):
    (anna,) = volunteers(organisation, "Anna")
    outsider = MemberFactory(organisation=other_organisation)
    with pytest.raises(CallOutError):
        callout_send(shift=gap, by=coordinator, members=[anna, outsider])
    AbsenceFactory(member=anna, starts_on=next_thursday(), ends_on=next_thursday())
    with pytest.raises(CallOutError, match="Hon är borta då"):
        callout_send(shift=gap, by=coordinator, members=[anna])
    assert not CallOut.objects.exists() and not Notice.objects.exists()


def test_only_a_coordinator_of_the_shelter_sends_or_closes(organisation, gap, volunteer, other_shelter_coordinator):
    (anna,) = volunteers(organisation, "Anna")
    for who in (volunteer, other_shelter_coordinator):
        with pytest.raises(CallOutError):
            callout_send(shift=gap, by=who, members=[anna])
    assert not CallOut.objects.exists()
    callout = callout_send(shift=gap, by=MemberFactory(organisation=organisation, role=Role.ADMIN), members=[anna])
    with pytest.raises(CallOutError):
        callout_close(callout=callout, by=other_shelter_coordinator)
    assert CallOut.objects.get().closed_at is None


def test_asking_again_adds_the_new_names_to_the_open_call_out(organisation, coordinator, gap):
    anna, bodil = volunteers(organisation, "Anna", "Bodil")
    first = callout_send(shift=gap, by=coordinator, members=[anna])
    again = callout_send(shift=gap, by=coordinator, members=[anna, bodil])
    assert again == first and first.asks.count() == 2
    assert Notice.objects.filter(kind="callout_ask").count() == 2
    with pytest.raises(CallOutError, match="redan fått frågan"):
        callout_send(shift=gap, by=coordinator, members=[bodil])


def test_a_call_out_asks_at_most_forty(organisation, coordinator, gap):
    many = [MemberFactory(organisation=organisation) for _ in range(MAX_ASKED + 1)]
    with pytest.raises(CallOutError, match=f"högst {MAX_ASKED}"):
        callout_send(shift=gap, by=coordinator, members=many)
    assert callout_send(shift=gap, by=coordinator, members=None).asks.count() == MAX_ASKED


# -- the coordinator's pages ------------------------------------------------------------------------------------


def shift_url(shift):
    return reverse("shifts:rota_shift", kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})


def send_url(shift):
    return reverse("shifts:callout_send", kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})


def test_the_coordinator_sends_a_call_out_from_the_shift_page_and_sees_the_answers(
    organisation, coordinator_client, gap
):
    anna, bodil, cissi = volunteers(organisation, "Anna", "Bodil", "Cissi")
    page = coordinator_client.get(shift_url(gap) + "?assign=1").content.decode()  # with whom to ask (no JS)
    assert f'name="member" value="{anna.pk}"' in page and "Alla som kan ta passet" in page
    response = coordinator_client.post(send_url(gap), {"member": [anna.pk, bodil.pk, cissi.pk], "places": "2"})
    assert response.status_code == 302 and response["Location"].endswith("#callout")
    Client().get(link_of(CallOutAsk.objects.get(member=anna)))
    Client().post(link_of(CallOutAsk.objects.get(member=anna)), {"answer": "take"})
    Client().post(link_of(CallOutAsk.objects.get(member=bodil)), {"answer": "decline"})
    page = text_of(coordinator_client.get(shift_url(gap)))
    assert "Förfrågan om passet" in page
    assert "1 av 2 platser tagna · 3 tillfrågade · 2 har öppnat · 1 kan inte" in page
    assert "Anna Ideell" in page and "Tog passet" in page and "Kan inte" in page and "Inte än" in page

    closed = coordinator_client.post(
        reverse("shifts:callout_close", kwargs={"organisation": organisation.slug, "pk": CallOut.objects.get().pk})
    )
    assert closed.status_code == 302
    page = text_of(coordinator_client.get(shift_url(gap)))
    assert "1 tidigare förfrågan" in page and "Stängd" in page
    assert Notice.objects.filter(kind="callout_filled").count() == 1  # Cissi, who had not answered


def test_sending_without_anyone_chosen_says_so_and_sends_nothing(organisation, coordinator_client, gap):
    response = coordinator_client.post(send_url(gap), {"places": "2"}, follow=True)
    assert "Välj vilka du vill fråga" in text_of(response)
    assert not CallOut.objects.exists()


def test_another_shelters_coordinator_gets_404_on_its_pages(
    client, organisation, coordinator, gap, other_shelter_coordinator
):
    (anna,) = volunteers(organisation, "Anna")
    callout = callout_send(shift=gap, by=coordinator, members=[anna])
    log_in(client, other_shelter_coordinator)
    for slug in (other_shelter_coordinator.organisation.slug, organisation.slug):
        send = reverse("shifts:callout_send", kwargs={"organisation": slug, "pk": gap.pk})
        close = reverse("shifts:callout_close", kwargs={"organisation": slug, "pk": callout.pk})
        assert client.post(send, {"everyone": "1"}).status_code == 404
        assert client.post(close).status_code == 404
    assert CallOut.objects.get().closed_at is None and CallOut.objects.get().asks.count() == 1


def add_callouts(organisation, coordinator, count: int, asked: int = 3) -> None:
    line = LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=2)
    people = [MemberFactory(organisation=organisation) for _ in range(asked)]
    for i in range(count):
        shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=1, hours=4 * i))
        callout_send(shift=shift, by=coordinator, members=people)
        Client().get(link_of(CallOutAsk.objects.filter(callout__shift=shift).first()))


def test_the_start_page_shows_open_call_outs_and_their_answers_beside_the_gaps(client, organisation, coordinator):
    add_callouts(organisation, coordinator, PANEL_ROWS + 1)
    page = log_in(client, coordinator).get(reverse("members:portal", kwargs={"organisation": organisation.slug}))
    text = text_of(page)
    assert "Utskick" in text and "6 förfrågningar väntar på svar." in text
    assert text.count("0 av 2 platser tagna · 3 tillfrågade · 1 har öppnat · 0 kan inte") == PANEL_ROWS
    html = page.content.decode()
    assert html.index('id="panel-gaps"') < html.index('id="panel-callouts"') < html.index('id="panel-unpublished"')


def test_the_start_page_reads_as_many_queries_with_many_call_outs_as_with_one(
    client, organisation, coordinator, django_assert_num_queries
):
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    log_in(client, coordinator)
    add_callouts(organisation, coordinator, 1)
    client.get(portal)  # warm: the session and the content types
    with CaptureQueriesContext(connection) as small:
        client.get(portal)
    expected = len(small.captured_queries)  # read now: the next request empties the connection's query log
    add_callouts(organisation, coordinator, 12, asked=6)
    with django_assert_num_queries(expected):
        response = client.get(portal)
    assert "13 förfrågningar väntar på svar." in text_of(response)


@pytest.mark.parametrize("count", [1, 8])
def test_the_panel_reads_two_queries_whatever_the_data(organisation, coordinator, count, django_assert_num_queries):
    add_callouts(organisation, coordinator, count)
    with django_assert_num_queries(2):
        panel = panels.open_call_outs(organisation, coordinator, timezone.now())
    assert panel is not None and panel.count == count


def test_the_shift_page_reads_as_many_queries_with_many_answers_as_with_few(
    organisation, coordinator, coordinator_client, gap, django_assert_num_queries
):
    few = volunteers(organisation, "Anna")
    callout_send(shift=gap, by=coordinator, members=few)
    coordinator_client.get(shift_url(gap))
    with CaptureQueriesContext(connection) as small:
        coordinator_client.get(shift_url(gap))
    expected = len(small.captured_queries)  # read now: the next request empties the connection's query log
    many = [MemberFactory(organisation=organisation) for _ in range(20)]
    callout_send(shift=gap, by=coordinator, members=many)
    for ask in CallOutAsk.objects.all()[:10]:
        Client().post(link_of(ask), {"answer": "decline"})
    with django_assert_num_queries(expected):
        coordinator_client.get(shift_url(gap))


# -- her data ----------------------------------------------------------------------------------------------------


def test_her_asks_are_in_her_export_and_erased_with_her(organisation, coordinator, admin_member, gap):
    anna, bodil = volunteers(organisation, "Anna", "Bodil")
    callout_send(shift=gap, by=coordinator, members=[anna, bodil])
    Client().post(link_of(CallOutAsk.objects.get(member=anna)), {"answer": "decline"})
    exported = member_export(anna)["callouts"]
    assert len(exported) == 1 and exported[0]["answer"] == AskAnswer.DECLINED
    assert "Bodil" not in str(exported)
    anna.status = MemberStatus.LEFT
    anna.save()
    member_erase(member=anna, by=admin_member)
    assert not CallOutAsk.objects.filter(member=anna).exists()
    assert CallOutAsk.objects.filter(member=bodil).exists()


# -- the race -----------------------------------------------------------------------------------------------------

RACERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_volunteers_accepting_at_once_fill_exactly_the_free_places_and_the_rest_are_told():
    require_postgres("the row lock needs real parallel connections")
    assert connection.vendor == "postgresql"
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    line = LineFactory(organisation=organisation, min_volunteers=3, max_volunteers=3)
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=2))
    AssignmentFactory(shift=shift)
    racers = [MemberFactory(organisation=organisation) for _ in range(RACERS)]
    callout = callout_send(shift=shift, by=coordinator, members=racers)
    assert callout.places == 2

    def accept(ask):
        return str(callout_answer(ask=ask, take=True).outcome)

    outcomes = race(list(CallOutAsk.objects.filter(callout=callout).select_related("callout__shift")), accept)

    assert outcomes == [Outcome.FILLED] * (RACERS - 2) + [Outcome.TAKEN] * 2
    assert Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count() == 3
    assert CallOutAsk.objects.filter(callout=callout, answer=AskAnswer.TAKEN).count() == 2
    assert Notice.objects.filter(kind="callout_filled").count() == RACERS - 2
    callout.refresh_from_db()
    assert callout.ended == CallOutEnd.FILLED
