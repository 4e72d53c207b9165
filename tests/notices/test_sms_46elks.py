"""SMS through 46elks (issue 18, point 1): the real backend (notices.sms.ElksSmsBackend) against a local stand-in
that speaks 46elks's API on a loopback port (tests/notices/elks_standin.py), through the outbox as a worker sends.

What a volunteer and a coordinator notice: the SMS arrives from "Jourplan" (never the shelter's name), 46elks
keeps no copy of the text, a bad number fails at once with the provider's reason (no retry, no cost), a provider
that is down or hangs only delays the SMS, and the delivery report marks it delivered — a forged one changes
nothing."""

import socket
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.models import Organisation
from notices import outbox
from notices.channels import PermanentDeliveryError
from notices.kinds import NoticeKind
from notices.models import Channel, NoticeStatus
from notices.sms import REPORT_FAILED_REASON, ElksSmsBackend, check_sms_settings, report_token, report_url
from tests.factories import MemberFactory, OrganisationFactory
from tests.notices.elks_standin import ElksStandIn

PHONE = "+46701234567"
SMS_TEXT = "Jourplan: Pass tors 18–21"
TIMEOUT = 0.5


class ShiftPing(NoticeKind):
    slug = "test_sms_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        return outbox.Message(subject="Jourplan: Pass", text="by mail", sms=SMS_TEXT)


@pytest.fixture(autouse=True)
def _ping_kind(settings):
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.ShiftPing")


@pytest.fixture
def elks(settings):
    standin = ElksStandIn().start()
    settings.SMS_BACKEND = "notices.sms.ElksSmsBackend"
    settings.SMS_TIMEOUT = TIMEOUT
    settings.ELKS_API_URL = standin.url
    settings.ELKS_API_USERNAME = standin.username
    settings.ELKS_API_PASSWORD = standin.password
    yield standin
    standin.stop()


def by_sms(organisation, **prefs):
    return MemberFactory(organisation=organisation, phone=PHONE, notice_channel=Channel.SMS, **prefs)


def plan(recipient):
    return outbox.notice_plan(recipient=recipient, kind="test_sms_ping")


def send(notice, now=None):
    status = outbox.notice_send(notice_id=notice.pk, now=now)
    notice.refresh_from_db()
    return status


def report(client, url, **fields):
    """46elks's delivery report: a form-encoded POST, no session, no CSRF token."""
    return client.post(urlsplit(url).path, urlencode(fields), content_type="application/x-www-form-urlencoded")


def delivered_stamp(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")  # 46elks's form: UTC, no offset


def unchanged(notice):
    before = {field: getattr(notice, field) for field in ("status", "delivered_at", "last_error", "provider_ref")}
    notice.refresh_from_db()
    return before == {field: getattr(notice, field) for field in before}


# --- Sending --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_sms_goes_to_46elks_from_jourplan_without_the_text_being_kept(organisation, elks):
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.SENT
    (sent,) = elks.accepted  # the stand-in checked basic auth, form encoding, E.164 and the sender ID
    assert sent["to"] == PHONE
    assert sent["from"] == "Jourplan"
    assert sent["message"] == SMS_TEXT
    assert sent["dontlog"] == "message"
    assert sent["whendelivered"] == report_url(notice)
    assert urlsplit(sent["whendelivered"]).path == f"/notices/sms/delivered/{report_token(notice.pk)}/"
    assert organisation.slug not in sent["whendelivered"]
    assert (notice.status, notice.channel, notice.provider_ref) == (NoticeStatus.SENT, Channel.SMS, sent["id"])
    assert notice.sent_at is not None and notice.attempts == 1


@pytest.mark.django_db
def test_the_shelters_own_sender_id_is_used(organisation, elks):
    organisation.sms_sender = "Passinfo"
    organisation.save(update_fields=["sms_sender"])
    send(plan(by_sms(organisation)))
    assert elks.accepted[0]["from"] == "Passinfo"


@pytest.mark.django_db
def test_a_sender_that_names_the_shelter_is_never_used_even_if_stored(organisation, elks):
    Organisation.objects.filter(pk=organisation.pk).update(sms_sender="Kvinnojour")  # around the form's check
    send(plan(by_sms(organisation)))
    assert elks.accepted[0]["from"] == "Jourplan"


@pytest.mark.django_db
def test_a_number_the_provider_refuses_fails_at_once_with_its_reason_and_is_not_retried(organisation, elks):
    elks.mode = "bad_number"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.FAILED
    assert notice.attempts == 1
    assert "HTTP 400" in notice.last_error and "Invalid to number" in notice.last_error
    assert PHONE not in notice.last_error  # a coordinator reads it; her number stays out
    later = timezone.now() + timedelta(days=1)
    assert notice.pk not in outbox.due_notice_ids(later)
    assert send(notice, now=later) == "skipped"
    assert len(elks.requests) == 1


@pytest.mark.django_db
def test_wrong_credentials_fail_the_notice_with_the_providers_answer(organisation, elks, settings):
    settings.ELKS_API_PASSWORD = "not-the-password"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.FAILED
    assert "HTTP 401" in notice.last_error and "not-the-password" not in notice.last_error
    assert elks.accepted == []


@pytest.mark.django_db
def test_a_provider_error_is_retried_with_backoff_and_the_sms_goes_later(organisation, elks):
    elks.mode = "server_error"
    notice = plan(by_sms(organisation))
    before = timezone.now()
    assert send(notice) == NoticeStatus.PENDING
    assert "HTTP 503" in notice.last_error
    assert notice.due_at >= before + outbox.backoff(1)
    assert send(notice) == "skipped"  # not due yet: no second request now
    assert len(elks.requests) == 1
    elks.mode = "ok"
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT
    assert notice.attempts == 2 and notice.provider_ref == elks.accepted[0]["id"]
    assert len(elks.accepted) == 1


@pytest.mark.django_db
def test_a_provider_that_hangs_costs_one_timeout_and_the_sms_is_never_sent_twice(organisation, elks):
    """46elks read the whole request and then said nothing: it may have sent the SMS. A retry could reach her
    twice, so the notice is "may have been sent" at once and nothing more goes to 46elks."""
    elks.mode = "hang"  # reads the request, then says nothing for 10 s
    notice = plan(by_sms(organisation))
    started = time.monotonic()
    assert send(notice) == NoticeStatus.IN_DOUBT
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + 2, f"the worker waited {elapsed:.1f} s on a silent provider"
    assert "did not answer" in notice.last_error
    elks.mode = "ok"
    assert send(notice, now=timezone.now() + timedelta(days=1)) == "skipped"
    assert len(elks.requests) == 1 and elks.accepted == []


@pytest.mark.django_db
def test_the_delivery_report_of_an_sms_in_doubt_settles_it(client, organisation, elks):
    elks.mode = "hang"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.IN_DOUBT
    url = report_url(notice)
    # A report for another notice's token, or without a usable id, changes nothing.
    other = plan(by_sms(organisation))
    assert report(client, report_url(other), id="s1", status="delivered").status_code == 404
    assert report(client, url, id="not an id!", status="delivered").status_code == 404
    assert unchanged(notice) and notice.status == NoticeStatus.IN_DOUBT
    assert report(client, url, id="s3633fa8e", status="delivered").status_code == 200
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DELIVERED and notice.provider_ref == "s3633fa8e"
    # Settled: a report with another id is not hers any more.
    assert report(client, url, id="s999", status="failed").status_code == 404
    assert unchanged(notice)


@pytest.mark.django_db
def test_a_provider_that_refuses_the_connection_is_retried(organisation, elks, settings):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ELKS_API_URL = f"http://127.0.0.1:{port}"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.PENDING
    assert notice.attempts == 1 and notice.last_error
    settings.ELKS_API_URL = elks.url
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT


@pytest.mark.django_db
def test_an_accepted_sms_whose_answer_is_not_json_counts_as_sent(organisation, elks):
    elks.mode = "not_json"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.SENT  # 46elks took it: sending it again would be a second SMS
    assert notice.provider_ref == ""


@pytest.mark.django_db
def test_an_answer_that_breaks_off_after_200_counts_as_sent_and_is_not_sent_again(organisation, elks):
    elks.mode = "hang_after_headers"
    notice = plan(by_sms(organisation))
    started = time.monotonic()
    assert send(notice) == NoticeStatus.SENT  # 46elks said 200: a retry would be her second SMS
    assert time.monotonic() - started < TIMEOUT + 2
    assert notice.provider_ref == ""


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_the_sms_is_retried(organisation, elks):
    elks.mode = "redirect"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.PENDING
    assert "HTTP 302" in notice.last_error
    assert elks.hits == ["POST /a1/sms"]  # nothing sent (with the credentials) to where it pointed


@pytest.mark.django_db
def test_a_number_not_in_international_form_is_refused_before_anything_is_sent(elks):
    backend = ElksSmsBackend(timeout=TIMEOUT)
    with pytest.raises(PermanentDeliveryError):
        backend.send("0701234567", SMS_TEXT)
    assert elks.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local_now", "quiet_until"),
    [(datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm")), (2026, 11, 25, 8, 0))],
)
def test_no_sms_reaches_46elks_in_her_quiet_hours(organisation, elks, local_now, quiet_until):
    recipient = by_sms(organisation, quiet_hours_start=clock(22), quiet_hours_end=clock(8))
    with time_machine.travel(local_now, tick=False):
        notice = plan(recipient)
        assert send(notice) == "postponed"
    assert elks.requests == []
    assert notice.due_at == datetime(*quiet_until, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT
    assert len(elks.accepted) == 1


# --- Delivery reports ----------------------------------------------------------------------------------------


@pytest.fixture
def sent_sms(organisation, elks):
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.SENT
    return notice


@pytest.mark.django_db
def test_a_delivery_report_marks_the_sms_delivered(client, sent_sms, elks):
    moment = timezone.now().replace(microsecond=0) - timedelta(seconds=30)
    response = report(
        client, elks.accepted[0]["whendelivered"], id=sent_sms.provider_ref, status="delivered",
        delivered=delivered_stamp(moment),
    )  # fmt: skip
    assert response.status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.status == NoticeStatus.DELIVERED
    assert sent_sms.delivered_at == moment


@pytest.mark.django_db
def test_a_repeated_report_changes_nothing_more(client, sent_sms, elks):
    url = elks.accepted[0]["whendelivered"]
    report(client, url, id=sent_sms.provider_ref, status="delivered", delivered=delivered_stamp(timezone.now()))
    sent_sms.refresh_from_db()
    for status in ("delivered", "failed", "sent"):  # 46elks retries; a late "failed" cannot undo "delivered"
        response = report(client, url, id=sent_sms.provider_ref, status=status, delivered="2026-01-01T00:00:00")
        assert response.status_code == 200
        assert unchanged(sent_sms)
    assert sent_sms.status == NoticeStatus.DELIVERED


@pytest.mark.django_db
def test_a_sent_status_report_changes_nothing(client, sent_sms, elks):
    response = report(client, elks.accepted[0]["whendelivered"], id=sent_sms.provider_ref, status="sent")
    assert response.status_code == 200
    assert unchanged(sent_sms) and sent_sms.status == NoticeStatus.SENT


@pytest.mark.django_db
def test_a_failed_report_marks_the_sms_failed_with_the_reason(client, sent_sms, elks):
    response = report(client, elks.accepted[0]["whendelivered"], id=sent_sms.provider_ref, status="failed")
    assert response.status_code == 200
    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.last_error, sent_sms.delivered_at) == (
        NoticeStatus.FAILED,
        REPORT_FAILED_REASON,
        None,
    )
    # A coordinator's "try again" would send it once more: that is hers to choose, not 46elks's.
    report(client, elks.accepted[0]["whendelivered"], id=sent_sms.provider_ref, status="delivered")
    assert unchanged(sent_sms)


@pytest.mark.django_db
def test_a_delivery_time_that_makes_no_sense_is_replaced_by_the_time_of_the_report(client, sent_sms, elks):
    before = timezone.now()
    report(client, report_url(sent_sms), id=sent_sms.provider_ref, status="delivered", delivered="yesterday-ish")
    sent_sms.refresh_from_db()
    assert sent_sms.status == NoticeStatus.DELIVERED and sent_sms.delivered_at >= before


@pytest.mark.django_db
def test_a_report_for_an_sms_the_provider_refused_is_refused(client, organisation, elks):
    """The notice failed at sending (a bad number): 46elks gave it no id, so no report can be about it."""
    elks.mode = "bad_number"
    notice = plan(by_sms(organisation))
    assert send(notice) == NoticeStatus.FAILED
    for provider_id in ("", "s123", notice.provider_ref):
        response = report(client, report_url(notice), id=provider_id, status="delivered")
        assert response.status_code == 404
        assert unchanged(notice)


@pytest.mark.django_db
def test_forged_reports_are_refused_and_change_nothing(client, organisation, sent_sms, elks):
    other = plan(by_sms(organisation))
    assert send(other) == NoticeStatus.SENT
    token = report_token(sent_sms.pk)
    path = reverse("sms_delivery_report", kwargs={"token": token})
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = {
        "altered signature": (reverse("sms_delivery_report", kwargs={"token": altered}), sent_sms.provider_ref),
        "no signature": (f"/notices/sms/delivered/{sent_sms.pk}/", sent_sms.provider_ref),
        "another notice's token": (report_url(other), sent_sms.provider_ref),
        "another notice's id": (path, other.provider_ref),
        "an id it never had": (path, "s0000000000000000000000000000000"),
        "no id": (path, ""),
        "an unknown notice": (reverse("sms_delivery_report", kwargs={"token": report_token(10**9)}), "s1"),
        "another salt's signature": (
            reverse("sms_delivery_report", kwargs={"token": _signed_elsewhere(sent_sms.pk)}),
            sent_sms.provider_ref,
        ),
    }
    for what, (url, provider_id) in forged.items():
        response = report(client, url, id=provider_id, status="delivered", delivered=delivered_stamp(timezone.now()))
        assert response.status_code == 404, what
        assert unchanged(sent_sms) and unchanged(other), what
    assert sent_sms.status == other.status == NoticeStatus.SENT


def _signed_elsewhere(pk):
    from django.core import signing

    return signing.Signer(salt="shifts.callouts.answer").sign(str(pk))  # a genuine token of another feature


@pytest.mark.django_db
def test_a_report_by_get_is_refused(client, sent_sms):
    url = urlsplit(report_url(sent_sms)).path
    response = client.get(url, {"id": sent_sms.provider_ref, "status": "delivered"})
    assert response.status_code == 405
    assert unchanged(sent_sms)


ODD_BODIES = [
    b"",
    b"id=&status=",
    b"id=%00&status=delivered",
    b"id=" + b"s" * 5000 + b"&status=delivered",
    b"status=delivered&delivered=9999-99-99T99:99:99",
    b"\xff\xfe\x00garbage",
    b"%%%&&&===",
    b'{"id": "s1", "status": "delivered"}',
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ODD_BODIES)
@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "text/plain"],
)
def test_odd_report_bodies_never_answer_500_and_change_nothing(client, sent_sms, body, content_type):
    response = client.post(urlsplit(report_url(sent_sms)).path, body, content_type=content_type)
    assert response.status_code in (400, 404)
    assert unchanged(sent_sms)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(["id", "status", "delivered", "to", "from"]) | st.text(max_size=8),
        st.text(max_size=40) | st.sampled_from(["delivered", "failed", "sent", "\x00", "9" * 30]),
        max_size=5,
    ),
    token=st.text(min_size=1, max_size=60).filter(lambda t: "/" not in t and "\x00" not in t),
)
def test_generated_reports_never_answer_500(client, sent_sms, fields, token):
    for path in (urlsplit(report_url(sent_sms)).path, f"/notices/sms/delivered/{token}/"):
        try:
            response = report(client, f"http://x{path}", **fields)
        except ValueError:  # the test client itself cannot build this URL
            continue
        assert response.status_code < 500, (path, fields)  # a "?" in the token may even make it a redirect
    if sent_sms.status == NoticeStatus.SENT:
        assert unchanged(sent_sms)  # without its id nothing moves (a generated id is never 46elks's)


# --- The shelter's sender ID ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sender", ["Kvinnojour", "Jouren", "Tjejjouren", "Testjouren", "Exempel", "Exempeljour", "Unizon", "Roks"]
)
def test_a_sender_that_names_a_shelter_is_refused(sender):
    shelter = OrganisationFactory(name="Kvinnojouren Exempel", slug="exempeljouren", sms_sender=sender)
    with pytest.raises(ValidationError) as refused:
        shelter.full_clean()
    assert [error.code for error in refused.value.error_dict["sms_sender"]] == ["sms_sender_names_shelter"]


@pytest.mark.django_db
@pytest.mark.parametrize("sender", ["Jourplan", "Passinfo", "Info", "Pass2026"])
def test_a_discreet_sender_is_accepted(sender):
    OrganisationFactory(name="Kvinnojouren Exempel", slug="exempeljouren", sms_sender=sender).full_clean()


@pytest.mark.django_db
def test_the_shelters_form_shows_the_refusal_on_the_sender_field():
    shelter = OrganisationFactory(name="Kvinnojouren Exempel", slug="exempeljouren")
    form = modelform_factory(Organisation, fields=["name", "sms_sender"])(
        {"name": shelter.name, "sms_sender": "Exempel"}, instance=shelter
    )
    assert not form.is_valid()
    assert list(form.errors) == ["sms_sender"]


@pytest.mark.django_db
def test_a_form_without_the_sender_field_is_not_stopped_by_the_sender():
    """A shelter renamed after its sender: a form without the field cannot show the error, so it does not raise
    it (the send-time check replaces the sender by "Jourplan")."""
    shelter = OrganisationFactory(name="Kvinnojouren Exempel", slug="exempeljouren", sms_sender="Passinfo")
    form = modelform_factory(Organisation, fields=["name"])({"name": "Kvinnojouren Passinfo"}, instance=shelter)
    assert form.is_valid(), form.errors
    form.save()


# --- Configuration -------------------------------------------------------------------------------------------


def test_the_46elks_backend_without_credentials_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "notices.sms.ElksSmsBackend"
    settings.ELKS_API_URL = "https://api.46elks.com"
    settings.ELKS_API_USERNAME = ""
    settings.ELKS_API_PASSWORD = ""
    assert [problem.id for problem in check_sms_settings()] == ["notices.E010"]
    settings.ELKS_API_USERNAME, settings.ELKS_API_PASSWORD = "u", "p"
    assert check_sms_settings() == []
    settings.ELKS_API_URL = "http://api.46elks.com"  # the password in clear over the internet
    assert [problem.id for problem in check_sms_settings()] == ["notices.E011"]


def test_the_logging_backend_needs_no_credentials(settings):
    settings.SMS_BACKEND = "notices.channels.LoggingSmsBackend"
    settings.ELKS_API_USERNAME = ""
    assert check_sms_settings() == []


def test_manage_py_check_reports_the_missing_credentials(settings):
    settings.SMS_BACKEND = "notices.sms.ElksSmsBackend"
    settings.ELKS_API_USERNAME = ""
    with pytest.raises(Exception, match="notices.E010"):
        call_command("check")
