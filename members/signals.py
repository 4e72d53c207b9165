from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .middleware import mark_second_factor


@receiver(authenticator_added)
def second_factor_proven_by_activation(sender, request, user, authenticator, **kwargs):
    """Activating TOTP required a valid code, so this session has shown the second factor."""
    if request is not None and hasattr(request, "session"):
        mark_second_factor(request)
