"""The header's menu in a real browser: on a phone one "Meny" button opens every link, each on screen and big
enough to tap, with or without JavaScript; on a laptop the links show without it, a coordinator's grouped."""

from tests.factories import MemberFactory

from .conftest import assert_tap_target
from .volunteer_steps import open_menu, portal_url

MINE = [
    "Min sida",
    "Meddelanden från jouren",
    "Pass",
    "Frånvaro och önskemål",
    "Kalender",
    "Mina utbildningar",
    "Min profil",
]
COORDINATION = ["Schema", "Medlemmar", "Utbildningar", "Bjud in", "Statistik", "Utskick", "Meddelanden"]


def assert_on_screen_and_tappable(locator, width: int):
    box = locator.bounding_box()
    assert box, "not visible"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"off screen: {box}"
    assert box["height"] >= 44, f"too small to tap: {box}"


def test_on_a_phone_one_button_opens_every_link(phone, organisation, volunteer):
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert_tap_target(nav.get_by_text("Meny", exact=True))
    assert not nav.get_by_role("link", name="Min profil").is_visible()
    visit.check("volunteer-menu-closed")

    open_menu(page)
    for name in [*MINE, "Säkerhet"]:
        assert_on_screen_and_tappable(nav.get_by_role("link", name=name, exact=True), 360)
    assert_on_screen_and_tappable(nav.get_by_role("button", name="Logga ut"), 360)
    visit.check("volunteer-menu-open")
    page.emulate_media(color_scheme="dark")
    visit.check("volunteer-menu-open-dark")
    page.emulate_media(color_scheme="light")

    # Escape closes it again (with JavaScript) and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="Min profil").is_visible()

    open_menu(page)
    nav.get_by_role("link", name="Min profil", exact=True).click()
    page.get_by_role("heading", name="Min profil").wait_for()
    open_menu(page)
    current = nav.locator('a[aria-current="page"]')
    assert current.inner_text() == "Min profil"
    other = nav.get_by_role("link", name="Kalender", exact=True)
    # Marked visibly, not only for a screen reader: a light background on the dark header, and bold.
    assert current.evaluate("(el) => getComputedStyle(el).backgroundColor") != other.evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert current.evaluate("(el) => getComputedStyle(el).fontWeight") == "700"
    visit.check("volunteer-menu-current")


def test_the_phone_menu_works_without_javascript(phone, organisation, volunteer):
    visit = phone(volunteer, javascript=False)
    page = visit.goto(portal_url(organisation))
    open_menu(page)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_role("link", name="Mina utbildningar", exact=True).click()
    page.get_by_role("heading", name="Mina utbildningar").wait_for()
    visit.check("volunteer-menu-no-javascript")


def test_a_coordinators_phone_menu_groups_her_pages_and_fits_at_200_percent_zoom(phone, organisation, coordinator):
    visit = phone(coordinator)
    page = visit.goto(portal_url(organisation))
    open_menu(page)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    for name in [*MINE, *COORDINATION]:
        assert_on_screen_and_tappable(nav.get_by_role("link", name=name, exact=True), 360)
    assert nav.get_by_text("Samordning", exact=True).is_visible()
    visit.check("coordinator-menu-open")
    # 200 % zoom on a 360 px phone is a 180 px wide page.
    page.set_viewport_size({"width": 180, "height": 370})
    assert page.evaluate("document.documentElement.scrollWidth") <= 180
    assert_on_screen_and_tappable(nav.get_by_role("link", name="Mina utbildningar", exact=True), 180)


def test_on_a_laptop_every_link_shows_without_the_menu_button(desktop, organisation):
    admin = MemberFactory(organisation=organisation, role="admin", first_name="Agnes")
    visit = desktop(admin)
    page = visit.goto(portal_url(organisation))
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert not nav.get_by_text("Meny", exact=True).is_visible()
    for name in [*MINE, *COORDINATION, "Avgifter", "Granskningslogg", "Säkerhet"]:
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    for title in ("Mitt", "Samordning", "Administration"):
        assert nav.get_by_text(title, exact=True).is_visible(), title
    assert nav.get_by_role("button", name="Logga ut").is_visible()
    # The start page shows the coordinator's panels under the header.
    page.get_by_role("heading", name="Luckor denna vecka").wait_for()
    visit.check("coordinator-start-page")
    page.emulate_media(color_scheme="dark")
    visit.check("coordinator-start-page-dark")
    page.emulate_media(color_scheme="light")
    nav.get_by_role("link", name="Schema", exact=True).click()
    page.wait_for_url(f"**{portal_url(organisation, 'shifts:rota_month')}")
    assert nav.locator('a[aria-current="page"]').inner_text() == "Schema"
