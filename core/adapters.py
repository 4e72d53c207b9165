from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Closed sign-up: people join a shelter by a coordinator's invitation, never by themselves."""

    def is_open_for_signup(self, request):
        return False
