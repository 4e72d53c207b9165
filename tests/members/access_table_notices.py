from notices import outbox as notices
from notices.models import NoticeStatus
from tests.access import NOT_FOUND, Rule, coordinator_page


def populate(world) -> None:
    """A failed notice in the world's shelter, for the "try again" rule."""
    notice = notices.notice_plan(recipient=world.volunteer, kind="invitation", variant="access-table")
    notice.status = NoticeStatus.FAILED
    notice.save(update_fields=["status"])
    world.failed_notice = notice


ACCESS = {
    "members:notice_list": coordinator_page(),
    # A coordinator's POST resets it and redirects; a volunteer is refused; another shelter's coordinator
    # gets 404 (she is no member there).
    "members:notice_retry": Rule(
        volunteer=403,
        coordinator=302,
        admin=302,
        other_shelter=NOT_FOUND,
        method="post",
        kwargs=lambda w: {"pk": w.failed_notice.pk},
    ),
}
