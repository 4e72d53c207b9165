from datetime import date

from trainings.models import Course, TrainingRecord


def course(organisation, name="Chattutbildning") -> Course:
    return Course.objects.get(organisation=organisation, name=name)


def record(member, course_or_name, completed_on: date, **extra) -> TrainingRecord:
    if isinstance(course_or_name, str):
        course_or_name = course(member.organisation, course_or_name)
    result = TrainingRecord(member=member, course=course_or_name, completed_on=completed_on, **extra)
    result.save()
    return result
