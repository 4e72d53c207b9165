from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Closed sign-up: people join a shelter by a coordinator's invitation, never by themselves."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
