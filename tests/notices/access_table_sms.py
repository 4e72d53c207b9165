"""Who may use 46elks's delivery-report URL (notices.sms): it is outside any shelter and needs no login, since 46elks
posts it. The token in the URL is not enough: the report must also carry the notice's own 46elks id, so a POST
without it (as here, whoever sends it, logged in or not) is refused with 404 and changes nothing."""

from notices import outbox
from notices.models import NoticeStatus
from notices.sms import report_token
from tests.access import NOT_FOUND, Rule


def populate(world) -> None:
    notice = outbox.notice_plan(recipient=world.volunteer, kind="invitation", variant="access-table-sms")
    notice.status, notice.provider_ref = NoticeStatus.SENT, "s0123456789abcdef"
    notice.save(update_fields=["status", "provider_ref"])
    world.sms_report_token = report_token(notice.pk)


ACCESS = {
    "sms_delivery_report": Rule(
        anonymous=NOT_FOUND,
        volunteer=NOT_FOUND,
        coordinator=NOT_FOUND,
        admin=NOT_FOUND,
        other_shelter=NOT_FOUND,
        method="post",
        kwargs=lambda w: {"token": w.sms_report_token},
    ),
}
