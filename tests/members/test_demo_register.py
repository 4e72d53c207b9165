import pytest
from django.core.management import call_command

from members.models import Interview, Member, MemberStatus, Payment, PledgeText, RecordCheck

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Member, Payment, PledgeText, Interview, RecordCheck)]


def test_demo_register_has_all_states_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    statuses = set(Member.objects.filter(organisation__slug="demo").values_list("status", flat=True))
    assert statuses == set(MemberStatus.values)
    assert PledgeText.objects.filter(organisation__slug="demo").exists()
