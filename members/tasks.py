"""The register's periodic task: erasing members who left long ago (beat, daily)."""

from celery import shared_task


@shared_task
def anonymise_departed_members() -> int:
    """Daily: erase members who left more than their shelter's anonymise_after_months ago."""
    from .gdpr import member_erase, members_due_for_anonymising
    from .models import Member

    erased = 0
    for member_id in members_due_for_anonymising():
        member = Member.objects.filter(pk=member_id, erased_at=None).first()
        if member is not None:
            member_erase(member=member, by=None)
            erased += 1
    return erased
