"""The rota's lines as requirement sources for the trainings pages (matrix filter, "my trainings"); listed in
settings.QUALIFICATION_REQUIREMENT_SOURCES, which trainings.qualification reads."""

from __future__ import annotations

from collections import defaultdict

from core.models import Organisation
from trainings.models import CoursePurpose
from trainings.qualification import Requirements

from .models import Line


def requirements_by_line(lines: list[Line]) -> dict[int, Requirements]:
    """What each line asks of a volunteer, keyed by the line's pk, with one query for the courses of all."""
    courses: dict[int, list[int]] = defaultdict(list)
    # Only a training qualifies: a meeting kind (trainings.models.CoursePurpose) never counts as a requirement.
    rows = (
        Line.required_courses.through.objects.filter(line_id__in=[line.pk for line in lines])
        .filter(course__purpose=CoursePurpose.TRAINING)
        .values_list("line_id", "course_id")
    )
    for line_id, course_id in rows:
        courses[line_id].append(course_id)
    return {
        line.pk: Requirements(
            courses=sorted(courses[line.pk]),
            needs_pledge=line.needs_pledge,
            needs_record_check=line.needs_record_check,
        )
        for line in lines
    }


def line_requirement_choices(organisation: Organisation) -> list[tuple[str, str, Requirements]]:
    """Each active line of the shelter as ("line-<pk>", name, Requirements), in two queries."""
    lines = list(
        Line.objects.for_organisation(organisation).active().only("pk", "name", "needs_pledge", "needs_record_check")
    )
    requirements = requirements_by_line(lines)
    return [(f"line-{line.pk}", line.name, requirements[line.pk]) for line in lines]
