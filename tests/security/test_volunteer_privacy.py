"""A curious volunteer: every page, fragment, export and feed she can open, searched for another member's
contact data, notes, onboarding and training records. She may see first names of those on her shifts only."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from members.models import Interview, RecordCheck, Role
from shifts.feeds import calendar_token_renew
from tests.access import OK
from tests.conftest import log_in
from tests.factories import NOW, AssignmentFactory, MemberFactory
from tests.security.test_cross_shelter_ids import _world
from tests.test_access_table import ACCESS, TABLES
from tests.test_access_table import _url as access_url
from trainings.models import TrainingRecord

pytestmark = pytest.mark.django_db

SECRETS = {
    "last name": "Hemligsdotter",
    "e-mail": "hemlig.kvinna@example.org",
    "phone (E.164)": "+46701112233",
    "phone (national)": "070-111 22 33",
    "phone (digits)": "701112233",
    "postal address": "Gömdavägen 13",
    "notes": "Känslig anteckning om henne",
    "interview date": "2019-02-03",
    "interview date (sv)": "3 februari 2019",
    "record check date": "2019-03-04",
    "record check date (sv)": "4 mars 2019",
    "training date": "2018-05-06",
    "training date (sv)": "6 maj 2018",
}


@pytest.fixture(params=["not sharing", "protected identity"])
def world(request):
    from tests.factories import OrganisationFactory

    world = _world(OrganisationFactory(slug="nyfiken"), OrganisationFactory(slug="annan-nyfiken"))
    for table in TABLES:
        table.populate(world)
    target = MemberFactory(
        organisation=world.organisation,
        role=Role.VOLUNTEER,
        first_name="Tove",
        last_name=SECRETS["last name"],
        email=SECRETS["e-mail"],
        phone=SECRETS["phone (E.164)"],
        postal_address=SECRETS["postal address"],
        notes=SECRETS["notes"],
        share_phone=request.param == "protected identity",  # she shares, but protection overrides it
        protected_identity=request.param == "protected identity",
    )
    Interview.objects.create(member=target, held_on=date(2019, 2, 3))
    RecordCheck.objects.create(member=target, seen_on=date(2019, 3, 4), valid_until=date(2021, 3, 4))
    TrainingRecord(member=target, course=world.course, completed_on=date(2018, 5, 6)).save()
    # She shares shifts with the curious volunteer, has one of her own, and offers one for a swap.
    for shift in (world.portal_shift, world.portal_full_shift, world.rota_shift):
        AssignmentFactory(shift=shift, member=target)
    world.target = target
    return world


def _url(name, world):
    return access_url(name, ACCESS[name], world)


def _leaks(body: str) -> list[str]:
    return [what for what, secret in SECRETS.items() if secret in body]


@time_machine.travel(NOW - timedelta(days=1), tick=False)  # the access tables' shifts are two days after NOW
def test_no_page_fragment_or_download_shows_her_data_to_a_volunteer(client, world):
    log_in(client, world.volunteer)
    pages = sorted(name for name, rule in ACCESS.items() if rule.method == "get" and rule.volunteer == OK)
    assert "shifts:portal_mine" in pages and "members:my_data_json" in pages and "trainings:mine" in pages
    leaks, shown_first_name = [], False
    for name in pages:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the full page and the htmx fragment
            response = client.get(_url(name, world), **headers)
            if response.status_code == OK:
                body = response.content.decode()
                leaks += [f"{name} {headers}: {what}" for what in _leaks(body)]
                shown_first_name = shown_first_name or "Tove" in body
    # The volunteer's actions answer htmx with fragments (sign up, queue, shadow): those too.
    actions = sorted(name for name, rule in ACCESS.items() if rule.method == "post" and rule.volunteer == 302)
    for name in actions:
        response = client.post(_url(name, world), HTTP_HX_REQUEST="true")
        leaks += [f"{name} (htmx): {what}" for what in _leaks(response.content.decode())]
    assert not leaks, leaks
    # Not vacuous: she does see her co-volunteer on their shared shift, by first name.
    assert shown_first_name


@time_machine.travel(NOW - timedelta(days=1), tick=False)
def test_her_calendar_feed_names_nobody_else(client, world):
    token = calendar_token_renew(member=world.volunteer)
    AssignmentFactory(shift=world.portal_shift, member=world.volunteer)
    body = client.get(reverse("shifts:calendar_feed", kwargs={"organisation": world.organisation.slug, "token": token}))
    assert body.status_code == 200
    text = body.content.decode()
    assert "Tove" not in text and not _leaks(text)


def test_a_volunteer_cannot_open_anything_about_another_member(client, world):
    log_in(client, world.volunteer)
    about_her = [
        reverse(name, kwargs={"organisation": world.organisation.slug, **kwargs})
        for name, kwargs in [
            ("members:member_detail", {"pk": world.target.pk}),
            ("members:member_edit", {"pk": world.target.pk}),
            ("trainings:member_records", {"member_pk": world.target.pk}),
            ("members:export_members_csv", {}),
            ("members:export_members_xlsx", {}),
            ("members:annual_meeting_csv", {}),
            ("trainings:matrix_csv", {}),
            ("shifts:statistics_csv", {}),
        ]
    ]
    assert {url: client.get(url).status_code for url in about_her} == dict.fromkeys(about_her, 403)
