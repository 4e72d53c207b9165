"""Issue 15 point 6: every login README's demo table lists works as it says after a fresh `load_demo` (the
password, the second factor set up at first login, the page she lands on), and the coordinator's statistics
and reports show figures from the start.

The table is read from README.md itself, so README and the demo cannot drift apart unnoticed. Logins are real:
allauth's login form, its re-authentication, the TOTP set-up with a code computed as an authenticator app does
(tests/browser/coordinator_steps.py), and the code asked at the next login."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.browser.coordinator_steps import totp_code

# The TOTP set-up and recovery-code pages are allauth's own templates, which read variables they do not always
# get (`authenticators.recovery_codes`); ours are checked everywhere else.
pytestmark = [pytest.mark.django_db, pytest.mark.ignore_template_errors]

README = Path(settings.BASE_DIR) / "README.md"


def readme_demo_logins() -> tuple[str, list[tuple[str, str, bool, str]]]:
    """README's demo password and its table: (e-mail, role, has a second factor, lands on) per account.
    The row "`lena@`, `karin@`, … `sofia@demo.jourplan.test`" stands for one address each."""
    section = README.read_text(encoding="utf-8").split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    password = re.search(r"currently \*\*`([^`]+)`\*\*", section).group(1)
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or "@" not in cells[0]:
            continue
        addresses = re.findall(r"`([^`]+@[^`]*)`", cells[0])
        domain = addresses[-1].split("@", 1)[1]
        lands_on = re.search(r"`([^`]+)`", cells[4]).group(1)
        second_factor = cells[3].lower() != "none"
        rows += [(a if a.split("@")[1] else a + domain, cells[2], second_factor, lands_on) for a in addresses]
    return password, rows


PASSWORD, LOGINS = readme_demo_logins()


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """A fresh `load_demo`, once for the module (in a transaction rolled back at its end); each test runs in its
    own savepoint, so what one login changes (her second factor, a used code) is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db):
    return None


def _path(response) -> str:
    return response.redirect_chain[-1][0] if response.redirect_chain else response.request["PATH_INFO"]


def _set_up_totp(client: Client, email: str, *, lands_on: str) -> str:
    """First login of a coordinator, admin or operator, as README describes it; returns her TOTP secret."""
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD}, follow=True)
    # Nothing opens before the second factor: allauth asks for the password again, then for the set-up.
    assert _path(response).startswith(reverse("account_reauthenticate")), response.redirect_chain
    response = client.post(_path(response), {"password": PASSWORD}, follow=True)
    assert _path(response).startswith(reverse("mfa_activate_totp"))
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert response.status_code == 200
    assert _path(response) == reverse("mfa_view_recovery_codes")
    # "the Jourplan link at the top goes on to the page in the table"
    brand = re.search(r'class="site-brand" href="([^"]+)"', response.content.decode()).group(1)
    response = client.get(brand, follow=True)
    assert response.status_code == 200
    assert _path(response) == lands_on
    return secret


def test_readme_lists_every_demo_account_with_the_demo_password():
    assert PASSWORD == DEMO_PASSWORD
    emails = [email for email, *_ in LOGINS]
    assert len(emails) == len(set(emails)) == 13
    assert f"/{DEMO_SLUG}/" in {lands_on for *_, lands_on in LOGINS}


@pytest.mark.parametrize(("email", "role", "second_factor", "lands_on"), LOGINS, ids=[row[0] for row in LOGINS])
def test_each_demo_login_works_as_readme_says(demo, email, role, second_factor, lands_on):
    client = Client()
    if not second_factor:
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD}, follow=True)
        assert response.status_code == 200
        assert _path(response) == lands_on
        return
    secret = _set_up_totp(client, email, lands_on=lands_on)
    client.logout()
    # A later login (a minute on, so a fresh code) asks for a code from the app after the password.
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD}, follow=True)
        assert _path(response) == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, follow=True)
        assert response.status_code == 200
        assert _path(response) == lands_on


def _coordinator_client() -> Client:
    client = Client()
    _set_up_totp(client, "coordinator@demo.jourplan.test", lands_on=f"/{DEMO_SLUG}/")
    return client


def test_the_coordinators_statistics_and_reports_show_figures_from_the_start(demo):
    client = _coordinator_client()
    slug = {"organisation": DEMO_SLUG}
    # The year a week ago: the first days of January would otherwise ask a year with hardly a shift ended.
    year = (timezone.localdate() - timedelta(days=7)).year

    stats = client.get(reverse("shifts:statistics", kwargs=slug), {"year": year})
    assert stats.status_code == 200
    volunteers = stats.context["volunteers"]
    assert len(volunteers) >= 5
    assert sum(v.shifts for v in volunteers) >= 50
    assert sum(v.hours for v in volunteers) >= 100
    assert all(v.hours > 0 for v in volunteers)
    coverage = {row.line.name: row for row in stats.context["coverage"]}
    assert set(coverage) == {"Jourtelefon", "Chatt", "E-post"}
    for row in coverage.values():
        assert row.shifts > 0 and row.covered > 0  # each line has a history, mostly staffed
    assert sum(row.unfilled for row in coverage.values()) > 0  # and the odd shift nobody took
    page = stats.content.decode()
    assert f"{volunteers[0].hours:g}".replace(".", ",") in page  # the figure is on the page, in Swedish

    csv = client.get(reverse("shifts:statistics_csv", kwargs=slug), {"year": year})
    assert csv.status_code == 200
    assert len(b"".join(csv.streaming_content if csv.streaming else [csv.content]).splitlines()) > 10

    matrix = client.get(reverse("trainings:matrix", kwargs=slug))
    assert matrix.status_code == 200
    standings = [standing for row in matrix.context["rows"] for _course, standing in row["cells"]]
    states = {standing.state for standing in standings}
    assert {"valid", "expiring", "expired", "missing"} <= states
    assert sum(1 for s in standings if s.state == "valid" and s.expires_on) >= 3  # records that expire

    meeting = client.get(reverse("members:annual_meeting", kwargs=slug))
    assert meeting.status_code == 200
    assert meeting.context["year"] == timezone.localdate().year
    paid = [(member, payment) for member, payment in meeting.context["rows"] if payment is not None]
    assert len(paid) >= 8
    assert all(payment.paid_on <= timezone.localdate() for _member, payment in paid)

    unpaid = client.get(reverse("members:unpaid", kwargs=slug))
    assert unpaid.status_code == 200
    assert 1 <= len(unpaid.context["members"]) < len(paid)
