"""Access rules for the calendar-feed URLs."""

from shifts.feeds import calendar_token_renew
from tests.access import LOGIN, OK, Rule, coordinator_page, volunteer_page


def populate(world) -> None:
    world.feed_token = calendar_token_renew(member=world.volunteer)


ACCESS = {
    "shifts:calendar": volunteer_page(),
    "shifts:calendar_renew": volunteer_page(method="post"),
    "shifts:calendar_revoke": Rule(anonymous=LOGIN, volunteer=302, coordinator=302, admin=302, method="post"),
    # The secret token is the key (calendar apps cannot log in): everyone with a valid token gets the feed.
    "shifts:calendar_feed": Rule(
        anonymous=OK, volunteer=OK, coordinator=OK, admin=OK, other_shelter=OK, kwargs=lambda w: {"token": w.feed_token}
    ),
    "shifts:statistics": coordinator_page(),
    "shifts:statistics_csv": coordinator_page(),
}
