"""The coordinator's start-page panel for the path (settings.START_PAGE_PANELS): the register's "waiting in
onboarding" panel (members.panels.onboarding_waiting, its count, rows and queries unchanged), linking to the board
where she moves them on instead of to the filtered member list."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.utils.translation import gettext as _

from core.models import Organisation
from members.models import Member
from members.panels import StartPagePanel, onboarding_waiting, page_url


def path_waiting(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    panel = onboarding_waiting(organisation, member, now)
    if panel is None:
        return None
    return dataclasses.replace(panel, link_url=page_url("memberpath:board", organisation), link_text=_("Open the path"))
