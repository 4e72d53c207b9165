"""Sharing a year's figures with the federation and withdrawing them: the only writes of the reports app."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_export
from core.errors import JourplanError
from members.models import Member, Role

from .federation import annual_figures, fingerprint
from .models import FigureShare


class ShareRefused(JourplanError):
    """Raised when a year's figures cannot be shared or withdrawn."""


def shareable_year(year: int, now: datetime, zone) -> bool:
    """Only a year that is over: annual figures of a year still running would change after they left."""
    return year < now.astimezone(zone).year


@transaction.atomic
def figure_share(*, member: Member, year: int, seen: str, now: datetime | None = None) -> FigureShare:
    """Share the shelter's figures of `year` with the federation, exactly as the admin saw them.

    Guarantees: only an admin of the shelter shares; only a year that is over; the figures stored are the whole
    numbers of reports.federation.FIGURES, recomputed now and refused when they differ from what she saw (`seen`,
    their fingerprint); a year already shared is replaced (the old share withdrawn by her); audited (the share's
    own entry, and an export entry on the shelter)."""
    now = now or timezone.now()
    organisation = member.organisation
    if not member.has_role(Role.ADMIN):
        raise ShareRefused(_("Only the shelter's admins share figures with the federation."))
    if not shareable_year(year, now, organisation.zone):
        raise ShareRefused(_("Only a year that is over can be shared."))
    figures = annual_figures(organisation, year, now)
    if fingerprint(figures) != seen:
        raise ShareRefused(_("The figures have changed since the page was shown. Check them again, then share."))
    for previous in FigureShare.objects.select_for_update().for_organisation(organisation).current().filter(year=year):
        previous.withdrawn_at = now
        previous.withdrawn_by = member
        previous.save(update_fields=["withdrawn_at", "withdrawn_by"])
    try:
        with transaction.atomic():
            share = FigureShare.objects.create(
                organisation=organisation, year=year, figures=figures, shared_at=now, shared_by=member
            )
    except IntegrityError:  # another admin shared the same year at the same moment
        raise ShareRefused(_("These figures were just shared by someone else. Reload the page.")) from None
    log_export(obj=organisation, what="federation_figures", by=member)
    return share


@transaction.atomic
def figure_share_withdraw(*, member: Member, share: FigureShare, now: datetime | None = None) -> FigureShare:
    """Withdraw a share: the federation no longer sees it. Only an admin of the shelter that shared; withdrawing
    twice changes nothing. Audited (the share's own entry)."""
    share = FigureShare.objects.select_for_update().get(pk=share.pk)
    if share.organisation_id != member.organisation_id or not member.has_role(Role.ADMIN):
        raise ShareRefused(_("Only the shelter's admins withdraw its figures."))
    if share.withdrawn_at is None:
        share.withdrawn_at = now or timezone.now()
        share.withdrawn_by = member
        share.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return share
