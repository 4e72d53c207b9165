"""Every notice kind is one class listed in settings.NOTICE_KINDS, and docs/notices.md's table of kinds says the
same: a kind named there without a planner (or the service that plans it), a renderer, a label, its templates
and a test that renders it fails here."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.module_loading import import_string

from notices.kinds import NoticeKind, registered_kinds
from notices.outbox import kind_label

ROOT = Path(settings.BASE_DIR)

# A test that renders each kind (directly, or by sending it through the outbox and reading the mail).
RENDER_TESTS = {
    "invitation": "tests/members/test_invitations.py::test_a_new_address_gets_its_own_login_and_a_set_password_link",
    "membership_invitation": (
        "tests/members/test_invitations.py::test_an_address_with_a_login_is_asked_to_log_in_and_answer"
    ),
    "pledge_new_version": (
        "tests/members/test_onboarding_and_services.py"
        "::test_those_who_signed_an_older_pledge_get_a_discreet_request_to_sign_again"
    ),
    "fee_reminder": "tests/members/test_fee_reminders.py::test_the_reminder_is_discreet_and_says_how_to_pay",
    "erasure_requested": "tests/members/test_own_choices.py::test_the_admins_get_a_discreet_notice_that_names_nobody",
    "training_expiring": "tests/trainings/test_notices.py::test_the_notice_is_discreet_and_in_the_members_language",
    "training_digest": "tests/trainings/test_notices.py::test_weekly_digest_for_coordinators_once_per_week",
    "shift_reminder": "tests/shifts/test_reminders.py::test_the_reminder_is_discreet_and_in_her_language",
    "understaffed_alert": "tests/shifts/test_reminders.py::test_understaffed_alert_goes_once_to_each_coordinator",
    "shift_at_risk": (
        "tests/shifts/test_absence_wiring.py::test_the_coordinators_are_told_once_discreetly_instead_of_her_reminder"
    ),
    "waiting_list_promoted": (
        "tests/shifts/test_waiting_list_release.py::test_promotion_notice_is_discreet_and_in_her_language"
    ),
    "shift_cancelled": "tests/shifts/test_coordinator.py::test_cancel_plans_a_notice_for_everyone_on_the_shift",
    "shift_changed": "tests/shifts/test_shift_changed.py::test_one_notice_per_volunteer_on_it_with_old_and_new_time",
    "swap_taken": "tests/shifts/test_shadow_swap.py::test_swap_taken_notice_is_discreet",
    "assignments_published": "tests/shifts/test_publish.py::test_the_message_is_discreet_and_lists_her_changes",
    "callout_ask": "tests/shifts/test_callouts.py::test_the_ask_is_discreet_and_in_her_language",
    "callout_filled": (
        "tests/shifts/test_callouts.py::test_those_not_answered_are_told_discreetly_when_it_is_filled_or_closed"
    ),
    "announcement": "tests/announcements/test_notice.py::test_the_notice_is_discreet_and_in_her_language",
    "interest_received": (
        "tests/members/test_interest_form.py::test_a_sign_up_is_stored_and_the_coordinators_are_told_discreetly"
    ),
    "interest_receipt": "tests/members/test_interest_form.py::test_she_gets_a_discreet_receipt_by_e_mail",
}


def documented_kinds() -> dict[str, str]:
    """slug → dotted path of its class, from the table under "## Kinds" in docs/notices.md."""
    text = (ROOT / "docs" / "notices.md").read_text(encoding="utf-8")
    section = text.split("\n## Kinds\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| `([\w.]+)` \|", section, flags=re.MULTILINE))


KINDS = registered_kinds()


def test_the_docs_list_exactly_the_registered_kinds_with_their_classes():
    documented = documented_kinds()
    assert documented, "docs/notices.md has no table of kinds under '## Kinds'"
    assert set(documented) == set(KINDS)
    for slug, path in documented.items():
        assert path in settings.NOTICE_KINDS, f"{slug}: {path} is not in settings.NOTICE_KINDS"
        kind = KINDS[slug]
        assert f"{type(kind).__module__}.{type(kind).__qualname__}" == path


def test_the_settings_list_names_each_kind_once_and_nothing_else():
    assert len(settings.NOTICE_KINDS) == len(set(settings.NOTICE_KINDS)) == len(KINDS)
    assert all(isinstance(kind, NoticeKind) for kind in KINDS.values())


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_has_a_planner_or_names_the_service_that_plans_it(slug):
    kind = KINDS[slug]
    plans_itself = type(kind).plan is not NoticeKind.plan
    assert plans_itself or kind.planned_by, f"{slug}: neither a plan() nor planned_by"
    assert not (plans_itself and kind.planned_by), f"{slug}: plan() and planned_by both say who plans it"
    if kind.planned_by:  # "dotted.path.of.the_service (an optional note)": the service exists
        assert callable(import_string(kind.planned_by.split()[0]))


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_has_a_renderer_a_translated_label_and_templates(slug):
    kind = KINDS[slug]
    assert type(kind).render is not NoticeKind.render, f"{slug} has no renderer"
    with translation.override("en"):
        english = kind_label(slug)
    with translation.override("sv"):
        swedish = kind_label(slug)
    assert english and english != slug
    assert swedish and swedish != english, f"{slug}: the label has no Swedish translation"
    for part in ("subject.txt", "body.txt"):
        try:
            get_template(f"notices/{kind.template_name}_{part}")
        except TemplateDoesNotExist:
            pytest.fail(f"{slug}: templates/notices/{kind.template_name}_{part} is missing")


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_has_a_test_that_renders_it(slug):
    assert slug in RENDER_TESTS, f"name a test that renders {slug} in RENDER_TESTS"
    path, _sep, name = RENDER_TESTS[slug].partition("::")
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    tests = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert name in tests, f"{slug}: {RENDER_TESTS[slug]} does not exist"


def test_an_unknown_kind_is_shown_by_its_slug():
    assert kind_label("no_such_kind") == "no_such_kind"
