import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import Organisation
from trainings.models import TrainingRecord, TrainingSession
from trainings.qualification import CellState, QualificationChecker

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (TrainingRecord.objects.count(), TrainingSession.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (TrainingRecord.objects.count(), TrainingSession.objects.count()) == counts
    organisation = Organisation.objects.get(slug="demo")
    now = timezone.now()
    assert TrainingSession.objects.filter(starts_at__lt=now).exists()
    assert TrainingSession.objects.filter(starts_at__gt=now).exists()
    members = list(organisation.members.all())
    checker = QualificationChecker(organisation, members)
    today = timezone.localdate()
    states = {checker.standing(m, c.pk, today).state for m in members for c in organisation.courses.all()}
    assert states == set(CellState)
