"""The header's menu: every page she may open is in it (behind "Meny" on a phone), a coordinator's shelter pages
are grouped apart from her own, and the page she is on is marked."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from members.models import Role
from tests.conftest import log_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

MINE = [
    "Min sida",
    "Meddelanden från jouren",
    "Pass",
    "Frånvaro och önskemål",
    "Kalender",
    "Mina utbildningar",
    "Mina möten",
    "Min tid",
    "Min profil",
]
COORDINATION = [
    "Schema",
    "Nationella linjer",
    "Medlemmar",
    "Vägen in",
    "Utbildningar",
    "Möten",
    "Bjud in",
    "Statistik",
    "Rapporter",
    "Ideell tid",
    "Utskick",
    "Meddelanden",
]
ADMINISTRATION = ["Avgifter", "Tystnadslöfte", "SMS", "Inställningar", "Granskningslogg"]
ACCOUNT = ["Säkerhet", "Logga ut"]


class _Menu(HTMLParser):
    """The main navigation: its "Menu" button, its groups (title → items) and where each item points."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.summary = ""
        self.groups: list[tuple[str, list[str]]] = []
        self.current: dict[str, str] = {}  # item → its aria-current
        self.hrefs: dict[str, str] = {}
        self.outside_the_menu: list[str] = []  # items in the nav but not inside <details>
        self._nav = self._details = self._summary = self._title = False
        self._item: str | None = None
        self._item_attributes: dict = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "nav" and "site-nav" in classes:
            self._nav = True
        if not self._nav:
            return
        if tag == "details":
            self._details = True
        elif tag == "summary":
            self._summary = True
        elif tag == "p" and "nav-group-title" in classes:
            self._title = True
            self.groups.append(("", []))
        elif tag == "ul" and "nav-account" in classes:
            self.groups.append(("(account)", []))
        elif tag == "ul" and not self.groups:
            self.groups.append(("", []))  # a volunteer's one group has no title
        elif tag in ("a", "button"):
            self._item, self._item_attributes = "", attributes

    def handle_endtag(self, tag):
        if not self._nav:
            return
        if tag == "nav":
            self._nav = False
        elif tag == "summary":
            self._summary = False
        elif tag == "p" and self._title:
            self._title = False
        elif tag in ("a", "button") and self._item is not None:
            item = " ".join(self._item.split())
            self.groups[-1][1].append(item)
            if not self._details:
                self.outside_the_menu.append(item)
            if "aria-current" in self._item_attributes:
                self.current[item] = self._item_attributes["aria-current"]
            self.hrefs[item] = self._item_attributes.get("href") or ""
            self._item = None
        elif tag == "details":
            self._details = False

    def handle_data(self, data):
        if self._summary:
            self.summary += data.strip()
        elif self._title:
            title, items = self.groups[-1]
            self.groups[-1] = (title + data.strip(), items)
        elif self._item is not None:
            self._item += data


def menu_of(client, path: str) -> _Menu:
    response = client.get(path)
    assert response.status_code == 200
    menu = _Menu()
    menu.feed(response.content.decode())
    return menu


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"organisation": organisation.slug, **kwargs})


def test_a_volunteer_has_every_page_of_hers_behind_one_menu_button(client, organisation, volunteer):
    menu = menu_of(log_in(client, volunteer), url("members:portal", organisation))
    assert menu.summary == "Meny"
    assert menu.groups == [("", MINE), ("(account)", ACCOUNT)]
    assert menu.outside_the_menu == []
    assert menu.hrefs["Mina utbildningar"] == url("trainings:mine", organisation)


def test_her_absences_and_wishes_are_one_tap_from_the_menu(client, organisation, volunteer):
    menu = menu_of(log_in(client, volunteer), url("shifts:availability", organisation))
    assert menu.hrefs["Frånvaro och önskemål"] == url("shifts:availability", organisation)
    assert menu.current == {"Frånvaro och önskemål": "page"}


def test_a_coordinators_shelter_pages_are_grouped_apart_from_her_own(client, organisation, coordinator):
    menu = menu_of(log_in(client, coordinator), url("members:portal", organisation))
    assert menu.groups == [("Mitt", MINE), ("Samordning", COORDINATION), ("(account)", ACCOUNT)]
    assert menu.hrefs["Schema"] == url("shifts:rota_month", organisation)
    assert menu.hrefs["Utbildningar"] == url("trainings:matrix", organisation)
    assert menu.outside_the_menu == []


def test_an_admin_has_administration_as_a_third_group(client, organisation, admin_member):
    menu = menu_of(log_in(client, admin_member), url("members:portal", organisation))
    assert menu.groups == [
        ("Mitt", MINE),
        ("Samordning", COORDINATION),
        ("Administration", ADMINISTRATION),
        ("(account)", ACCOUNT),
    ]


def test_the_federations_operator_keeps_her_shelters_link(client, organisation):
    operator = MemberFactory(organisation=organisation, role=Role.ADMIN)
    operator.user.is_superuser = True
    operator.user.save()
    menu = menu_of(log_in(client, operator), url("members:portal", organisation))
    assert menu.groups[-1] == ("(account)", ["Jourer", *ACCOUNT])
    assert menu.hrefs["Jourer"] == reverse("federation:shelters")


def test_the_page_she_is_on_is_marked(client, organisation, coordinator):
    log_in(client, coordinator)
    assert menu_of(client, url("members:portal", organisation)).current == {"Min sida": "page"}
    assert menu_of(client, url("members:profile", organisation)).current == {"Min profil": "page"}
    assert menu_of(client, url("trainings:matrix", organisation)).current == {"Utbildningar": "page"}
    # A page inside a section marks the section (and never "Min sida", whose address starts every page).
    assert menu_of(client, url("shifts:rota_week", organisation)).current == {"Schema": "true"}
    assert menu_of(client, url("members:my_data", organisation)).current == {"Min profil": "true"}


def test_the_menu_speaks_english_too(client, organisation, coordinator):
    client.cookies["django_language"] = "en"
    menu = menu_of(log_in(client, coordinator), url("members:portal", organisation))
    assert menu.summary == "Menu"
    assert [title for title, _ in menu.groups] == ["Mine", "Coordination", "(account)"]
    assert menu.groups[0][1] == [
        "My page",
        "Messages from the shelter",
        "Shifts",
        "Absence and wishes",
        "Calendar",
        "My trainings",
        "My meetings",
        "My time",
        "My profile",
    ]
