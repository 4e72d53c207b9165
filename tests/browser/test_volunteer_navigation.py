"""On a phone the navigation strip scrolls sideways on its own; the links a volunteer uses most are the ones
that show without scrolling it, and the rest are still reachable."""

from .volunteer_steps import portal_url

MOST_USED = ["Min sida", "Pass", "Kalender"]


def test_her_most_used_links_show_on_a_phone_and_the_rest_are_reachable(phone, organisation, volunteer):
    visit = phone(volunteer)
    page = visit.goto(portal_url(organisation))
    nav = page.get_by_role("navigation").first
    for name in MOST_USED:
        box = nav.get_by_role("link", name=name, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{name} is off screen: {box}"
    profile = nav.get_by_role("link", name="Min profil", exact=True)
    profile.scroll_into_view_if_needed()
    profile.click()
    page.get_by_role("heading", name="Min profil").wait_for()
    # On the new page the strip has scrolled so that the current page's link shows.
    box = page.get_by_role("navigation").first.get_by_role("link", name="Min profil", exact=True).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, f"Min profil is off screen: {box}"
    visit.check("volunteer-profile")
