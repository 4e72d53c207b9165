from django.db.models.signals import post_save
from django.dispatch import receiver

from core.models import Organisation

from .services import course_catalogue_create


@receiver(post_save, sender=Organisation, dispatch_uid="trainings_default_catalogue")
def new_shelter_gets_the_course_catalogue(sender, instance, created, raw=False, **kwargs):
    """Every new shelter starts with the Swedish default catalogue, which it can then edit."""
    if created and not raw:
        course_catalogue_create(organisation=instance)
